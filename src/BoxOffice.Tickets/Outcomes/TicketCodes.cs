using System.Security.Cryptography;

namespace BoxOffice.Tickets.Outcomes;

/// <summary>Ticket codes: 100 random bits, Crockford base32, grouped for reading aloud at a door.</summary>
internal static class TicketCodes
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string New()
    {
        Span<byte> random = stackalloc byte[20];
        RandomNumberGenerator.Fill(random);
        Span<char> chars = stackalloc char[20];
        for (var i = 0; i < chars.Length; i++)
        {
            // 5 bits from each byte: 100 bits in all, uniformly distributed.
            chars[i] = Alphabet[random[i] & 31];
        }

        return $"BO-{chars[..5]}-{chars[5..10]}-{chars[10..15]}-{chars[15..]}";
    }
}
