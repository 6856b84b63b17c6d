using System.ComponentModel.DataAnnotations;

namespace BoxOffice.Payments;

/// <summary>Settings of the Payments module (configuration section <c>Payments</c>).</summary>
internal sealed class PaymentsOptions
{
    public const string Section = "Payments";

    /// <summary>The payment gateway's base address, for example <c>http://localhost:5081</c>.</summary>
    [Required]
    public Uri? GatewayUrl { get; set; }

    /// <summary>The shortest webhook secret accepted: anything shorter could be guessed.</summary>
    public const int MinWebhookSecretLength = 24;

    /// <summary>
    /// The HMAC-SHA256 key the gateway signs its webhooks with, shared with the gateway only. There
    /// is no default: a known key lets anyone forge a "payment succeeded" webhook.
    /// </summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Most gateway calls in flight at once; due work beyond it waits in the database.</summary>
    [Range(1, 10_000)]
    public int MaxInFlight { get; set; } = 256;

    /// <summary>How long one HTTP attempt may take before it is abandoned (and retried with the same key).</summary>
    // Capped so that every attempt and its retries stay well inside HttpClient's own 100 s limit.
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:20")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between two dispatches of a payment whose outcome is unknown.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);
}
