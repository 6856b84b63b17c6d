using System.Diagnostics;
using System.Globalization;
using BoxOffice.ServiceDefaults;

namespace BoxOffice.Bench.Accept;

/// <summary>
/// The cost the accept path pays per reservation to seal the payment token (on the request's
/// thread), and what Payments pays to open it: a Stopwatch loop, after a warm-up.
/// </summary>
internal static class PaymentTokenSealing
{
    public static int Run(string[] args)
    {
        var count = args is ["--count", var n] ? int.Parse(n, CultureInfo.InvariantCulture) : 2_000;
        var privateKey = PaymentTokenPrivateKey.FromPem(PaymentTokenSeal.NewPrivateKeyPem());
        var publicKey = privateKey.PublicKey;
        var sealedToken = string.Empty;
        for (var i = 0; i < 200; i++)
        {
            sealedToken = PaymentTokenSeal.Seal("tok_visa", publicKey);
            _ = PaymentTokenSeal.TryOpen(sealedToken, privateKey, out _);
        }

        var seal = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            sealedToken = PaymentTokenSeal.Seal("tok_visa", publicKey);
        }

        seal.Stop();
        var open = Stopwatch.StartNew();
        for (var i = 0; i < count / 10; i++)
        {
            _ = PaymentTokenSeal.TryOpen(sealedToken, privateKey, out _);
        }

        open.Stop();

        // The RSA-OAEP encryption alone, without the encoding around it.
        using var rsa = System.Security.Cryptography.RSA.Create();
        rsa.ImportFromPem(publicKey.ToPem());
        var plain = "tok_visa"u8.ToArray();
        var encrypt = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            _ = rsa.Encrypt(plain, System.Security.Cryptography.RSAEncryptionPadding.OaepSHA256);
        }

        encrypt.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"seal: {seal.Elapsed.TotalMicroseconds / count:F1} µs per call ({count} calls, one thread; encryption alone {encrypt.Elapsed.TotalMicroseconds / count:F1} µs); open: {open.Elapsed.TotalMicroseconds / (count / 10):F1} µs per call; sealed token {sealedToken.Length} chars"));
        return 0;
    }
}
