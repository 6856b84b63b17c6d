using System.Globalization;
using System.Security.Claims;
using BoxOffice.ServiceDefaults;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BoxOffice.Bench.Accept;

/// <summary>
/// Access tokens for many distinct buyers, signed with the deployment's <c>Auth:SigningKey</c>, so a
/// load generator (wrk with bench/accept/reserve.lua) can reserve as many buyers at once without
/// registering each (registration hashes a password on purpose: it is slow by design).
/// </summary>
internal static class BuyerTokens
{
    public static int Run(string[] args)
    {
        var key = Option(args, "--key") ?? throw new ArgumentException("--key <base64 signing key> is required");
        var count = int.Parse(Option(args, "--count") ?? "300000", CultureInfo.InvariantCulture);
        var output = Option(args, "--out") ?? "tokens.txt";
        var credentials = new SigningCredentials(new SymmetricSecurityKey(Convert.FromBase64String(key)), SecurityAlgorithms.HmacSha256);
        var handler = new JsonWebTokenHandler();
        var now = DateTime.UtcNow;
        using var writer = new StreamWriter(output);
        for (var i = 0; i < count; i++)
        {
            var id = Guid.CreateVersion7();
            writer.WriteLine(handler.CreateToken(new SecurityTokenDescriptor
            {
                Issuer = "boxoffice",
                Audience = "boxoffice",
                IssuedAt = now,
                NotBefore = now,
                Expires = now.AddHours(2),
                SigningCredentials = credentials,
                Subject = new ClaimsIdentity(
                [
                    new Claim(BoxOfficeClaims.Subject, id.ToString()),
                    new Claim(BoxOfficeClaims.Name, "Load buyer"),
                    new Claim(BoxOfficeClaims.BirthDate, "1990-01-01"),
                    new Claim(BoxOfficeClaims.Role, Roles.Buyer),
                ]),
            }));
        }

        Console.WriteLine($"wrote {count} buyer tokens to {output}");
        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
