using System.ComponentModel.DataAnnotations;

namespace BoxOffice.PaymentGateway;

/// <summary>Settings of the simulator (configuration section <c>PaymentGateway</c>), as in the spec.</summary>
internal sealed class GatewayOptions
{
    public const string Section = "PaymentGateway";

    [Range(0, 600_000)]
    public int LatencyMedianMs { get; set; } = 300;

    [Range(0, 600_000)]
    public int LatencyP99Ms { get; set; } = 3000;

    [Range(0.0, 1.0)]
    public double FailureRate { get; set; }

    [Range(0.0, 1.0)]
    public double TimeoutAfterChargeRate { get; set; }

    public bool TimeoutOnFirstAttempt { get; set; }

    [Range(0, 3_600_000)]
    public int TimeoutDelayMs { get; set; } = 30_000;

    public Uri? WebhookUrl { get; set; }

    /// <summary>The shortest webhook secret accepted.</summary>
    public const int MinWebhookSecretLength = 24;

    /// <summary>The HMAC-SHA256 key webhooks are signed with. No default: a known key signs forgeries.</summary>
    public string? WebhookSecret { get; set; }

    [Required]
    public string DataDirectory { get; set; } = "data";
}
