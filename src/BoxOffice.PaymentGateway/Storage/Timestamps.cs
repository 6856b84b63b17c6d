using System.Globalization;

namespace BoxOffice.PaymentGateway.Storage;

/// <summary>Timestamps are stored as ISO 8601 UTC text, which sorts and reads well in the file.</summary>
internal static class Timestamps
{
    public static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
