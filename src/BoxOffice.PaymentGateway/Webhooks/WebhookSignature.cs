using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace BoxOffice.PaymentGateway.Webhooks;

/// <summary><c>Gateway-Signature: t={unix seconds},v1={hex HMAC-SHA256(secret, "{t}.{raw body}")}</c>.</summary>
internal static class WebhookSignature
{
    public const string Header = "Gateway-Signature";

    public static string Sign(string secret, long unixSeconds, string body)
    {
        var t = unixSeconds.ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(t + "." + body));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }
}
