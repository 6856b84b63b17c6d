using System.Globalization;
using QRCoder;

namespace BoxOffice.Web;

/// <summary>How the pages show money, times and ticket codes.</summary>
internal static class Display
{
    /// <summary>Minor units as a price: two decimals, as the demo's currencies have.</summary>
    public static string Money(long minor, string currency) =>
        string.Create(CultureInfo.InvariantCulture, $"{minor / 100m:#,0.00} {currency}");

    /// <summary>A time in UTC, the way the API keeps it (the page says so).</summary>
    public static string When(DateTimeOffset at) =>
        at.UtcDateTime.ToString("ddd d MMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>A ticket code's QR code, as a PNG data URI (the same code the e-mail carries).</summary>
    public static string QrDataUri(string code)
    {
        using var data = QRCodeGenerator.GenerateQrCode(code, QRCodeGenerator.ECCLevel.Q);
        using var png = new PngByteQRCode(data);
        return "data:image/png;base64," + Convert.ToBase64String(png.GetGraphic(6));
    }

    /// <summary>What a reservation's state means to a buyer.</summary>
    public static string Status(string status) => status switch
    {
        "Pending" => "Accepted — we are processing your payment",
        "Acquired" => "Acquired — your tickets are ready",
        "Released" => "Released",
        "Expired" => "Expired",
        "Cancelled" => "Cancelled",
        _ => status,
    };

    /// <summary>The payment simulator's test cards, labelled as such.</summary>
    public static readonly IReadOnlyList<(string Token, string Label)> TestCards =
    [
        ("tok_visa", "Test card: Visa, always succeeds"),
        ("tok_threeDSecureRequired", "Test card: asks for a one-time code (enter 123456)"),
        ("tok_chargeDeclined", "Test card: always declined"),
    ];
}
