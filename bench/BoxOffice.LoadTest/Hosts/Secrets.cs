using System.Security.Cryptography;

namespace BoxOffice.LoadTest.Hosts;

/// <summary>A throwaway host's secrets, made for each run; none has a default, and none is ever printed.</summary>
internal static class Secrets
{
    private const string Alphanumerics = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string SigningKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string OrganizerPassword() => "Load-" + RandomNumberGenerator.GetString(Alphanumerics, 24);

    public static string DatabasePrefix() => "load_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
}
