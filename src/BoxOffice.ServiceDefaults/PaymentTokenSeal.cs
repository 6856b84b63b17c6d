using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BoxOffice.ServiceDefaults;

/// <summary>
/// A buyer's payment token sealed to the Payments key: RSA-OAEP with SHA-256 over a 2048-bit key.
/// Tickets seals with the public key; only Payments, holding the private key, opens it. Every
/// other reader of the tickets log sees an opaque string. Tickets and Payments both use this one
/// definition, and neither references the other.
/// </summary>
public static class PaymentTokenSeal
{
    /// <summary>Payments' private key (PKCS#8 PEM) when services run apart.</summary>
    public const string PrivateKeySetting = "Payments:TokenPrivateKey";

    /// <summary>Tickets' copy of the public key (SubjectPublicKeyInfo PEM) when services run apart.</summary>
    public const string PublicKeySetting = "Tickets:PaymentTokenPublicKey";

    /// <summary>The private key generated in the data folder when none is configured (embedded).</summary>
    public const string PrivateKeyFile = "payments-token.key";

    // Names the scheme, so a later one (another key, another algorithm) can be told apart.
    private const string Prefix = "rsa-oaep-sha256:";
    private const int KeyBits = 2048;

    /// <summary>Seals <paramref name="token"/> to the holder of the private key of <paramref name="publicKey"/>.</summary>
    public static string Seal(string token, PaymentTokenPublicKey publicKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        ArgumentNullException.ThrowIfNull(publicKey);
        return Prefix + Convert.ToBase64String(publicKey.Key.Encrypt(Encoding.UTF8.GetBytes(token), RSAEncryptionPadding.OaepSHA256));
    }

    /// <summary>Opens a sealed token; false when it is not one, or was sealed to another key.</summary>
    public static bool TryOpen(string? sealedToken, PaymentTokenPrivateKey privateKey, [NotNullWhen(true)] out string? token)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        token = null;
        if (sealedToken is null || !sealedToken.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var cipher = new byte[(sealedToken.Length - Prefix.Length) * 3 / 4];
        if (!Convert.TryFromBase64String(sealedToken[Prefix.Length..], cipher, out var length))
        {
            return false;
        }

        try
        {
            token = Encoding.UTF8.GetString(privateKey.Key.Decrypt(cipher.AsSpan(0, length), RSAEncryptionPadding.OaepSHA256));
            return token.Length > 0;
        }
        catch (CryptographicException)
        {
            token = null;
            return false;
        }
    }

    /// <summary>A new 2048-bit private key as PKCS#8 PEM.</summary>
    public static string NewPrivateKeyPem()
    {
        using var rsa = RSA.Create(KeyBits);
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    internal static RSA Import(string pem, string what)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
        }
        catch (ArgumentException ex)
        {
            rsa.Dispose();
            throw new InvalidOperationException($"{what} is not an RSA key in PEM.", ex);
        }

        if (rsa.KeySize < KeyBits)
        {
            rsa.Dispose();
            throw new InvalidOperationException($"{what} has {rsa.KeySize} bits; at least {KeyBits} are required.");
        }

        return rsa;
    }
}

/// <summary>
/// The key Tickets seals payment tokens with: the public half of Payments' key. One key object
/// is shared by every request: encrypting does not change it (and importing a key per call cost
/// about 300 µs here, ten times the encryption).
/// </summary>
public sealed class PaymentTokenPublicKey : IDisposable
{
    private PaymentTokenPublicKey(RSA key) => Key = key;

    internal RSA Key { get; }

    /// <summary>Reads a public (or private) key in PEM; only its public half is kept.</summary>
    public static PaymentTokenPublicKey FromPem(string pem, string what = "The payment token public key")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pem);
        using var rsa = PaymentTokenSeal.Import(pem, what);
        var key = RSA.Create();
        key.ImportSubjectPublicKeyInfo(rsa.ExportSubjectPublicKeyInfo(), out _);
        return new PaymentTokenPublicKey(key);
    }

    /// <summary>
    /// <see cref="PaymentTokenSeal.PublicKeySetting"/> when set; else the public half of Payments'
    /// key when Payments runs in this process; else start-up fails with what to configure.
    /// </summary>
    public static PaymentTokenPublicKey Load(IConfiguration configuration, PaymentTokenPrivateKey? inProcess)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration[PaymentTokenSeal.PublicKeySetting] is { Length: > 0 } pem)
        {
            return FromPem(pem, PaymentTokenSeal.PublicKeySetting);
        }

        return inProcess?.PublicKey ?? throw new InvalidOperationException(
            $"{PaymentTokenSeal.PublicKeySetting} is not set and Payments does not run in this process: configure the public key (PEM) of Payments' {PaymentTokenSeal.PrivateKeySetting}.");
    }

    /// <summary>The key as SubjectPublicKeyInfo PEM, for configuring a Tickets service that runs apart.</summary>
    public string ToPem() => Key.ExportSubjectPublicKeyInfoPem();

    /// <inheritdoc />
    public void Dispose() => Key.Dispose();
}

/// <summary>The key only Payments holds, which opens sealed payment tokens (one shared key object, as for the public key).</summary>
public sealed class PaymentTokenPrivateKey : IDisposable
{
    private PaymentTokenPrivateKey(RSA key, PaymentTokenPublicKey publicKey)
    {
        Key = key;
        PublicKey = publicKey;
    }

    internal RSA Key { get; }

    /// <summary>Its public half, which seals tokens for it.</summary>
    public PaymentTokenPublicKey PublicKey { get; }

    /// <summary>Reads a private key in PEM.</summary>
    public static PaymentTokenPrivateKey FromPem(string pem, string what = "The payment token private key")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pem);
        var key = PaymentTokenSeal.Import(pem, what);
        return new PaymentTokenPrivateKey(key, PaymentTokenPublicKey.FromPem(pem, what));
    }

    /// <summary>
    /// <see cref="PaymentTokenSeal.PrivateKeySetting"/> when set; else the key generated once in the
    /// data folder (<see cref="PaymentTokenSeal.PrivateKeyFile"/>, 0600).
    /// </summary>
    public static PaymentTokenPrivateKey Load(IConfiguration configuration, IHostEnvironment environment, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration[PaymentTokenSeal.PrivateKeySetting] is { Length: > 0 } pem)
        {
            return FromPem(pem, PaymentTokenSeal.PrivateKeySetting);
        }

        var generated = DataFolder.ReadOrCreateSecret(
            DataFolder.Resolve(configuration, environment), PaymentTokenSeal.PrivateKeyFile, PaymentTokenSeal.NewPrivateKeyPem, logger);
        return FromPem(generated, PaymentTokenSeal.PrivateKeyFile);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Key.Dispose();
        PublicKey.Dispose();
    }
}
