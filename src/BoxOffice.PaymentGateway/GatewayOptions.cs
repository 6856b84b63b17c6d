using System.ComponentModel.DataAnnotations;

namespace BoxOffice.PaymentGateway;

/// <summary>
/// Settings of the simulator (configuration section <c>PaymentGateway</c>), as in the spec. The
/// faults it can inject (failures, lost answers, bursts, an outage, webhooks twice, late and out of
/// order) are all off by default; every one it injected is counted at <c>GET /v1/simulation</c>.
/// </summary>
internal sealed class GatewayOptions
{
    public const string Section = "PaymentGateway";

    /// <summary>The median of the log-normal latency before each payment API answer; 0 for none.</summary>
    [Range(0, 600_000)]
    public int LatencyMedianMs { get; set; } = 300;

    /// <summary>The 99th percentile of that latency.</summary>
    [Range(0, 600_000)]
    public int LatencyP99Ms { get; set; } = 3000;

    /// <summary>The share of payment API calls answered 500, each drawn on its own, before anything is done.</summary>
    [Range(0.0, 1.0)]
    public double FailureRate { get; set; }

    /// <summary>The share of charges recorded and then not answered: the connection hangs <see cref="TimeoutDelayMs"/> and is aborted.</summary>
    [Range(0.0, 1.0)]
    public double TimeoutAfterChargeRate { get; set; }

    /// <summary>The first call with each Idempotency-Key does its work and then loses its answer.</summary>
    public bool TimeoutOnFirstAttempt { get; set; }

    /// <summary>How long a call whose answer is lost hangs before its connection is aborted.</summary>
    [Range(0, 3_600_000)]
    public int TimeoutDelayMs { get; set; } = 30_000;

    /// <summary>
    /// 5xx bursts: every this many seconds after the first payment API call (the first burst at
    /// this second, not at once), every payment API call fails for <see cref="FailureBurstSeconds"/>,
    /// answered 500, 502 or 503 before anything is done. Failures that come together, as when a
    /// provider's deployment or database struggles, rather than one by one. 0 (the default): none.
    /// </summary>
    [Range(0, 86_400)]
    public int FailureBurstEverySeconds { get; set; }

    /// <summary>How long each 5xx burst lasts: at least 1 and less than <see cref="FailureBurstEverySeconds"/> when bursts are on.</summary>
    [Range(0, 86_400)]
    public int FailureBurstSeconds { get; set; }

    /// <summary>
    /// When the outage begins, in seconds after the first payment API call (not the simulator's
    /// start, so that it lands in the traffic however long a host takes to start); only with
    /// <see cref="OutageSeconds"/>.
    /// </summary>
    [Range(0, 86_400)]
    public int OutageAfterSeconds { get; set; }

    /// <summary>
    /// How long the provider is down, from <see cref="OutageAfterSeconds"/>; 0 (the default): never.
    /// Meanwhile every payment API call and the challenge page are answered 503 with Retry-After
    /// (the seconds left), at once and before anything is done, and no webhook is sent: those due
    /// go out, late, once it is over. The ledger and <c>/v1/simulation</c> stay up, being the
    /// simulator's own inspection endpoints and not the provider's.
    /// </summary>
    [Range(0, 86_400)]
    public int OutageSeconds { get; set; }

    /// <summary>
    /// The share of webhooks delivered a second time, with the same event id and body (freshly
    /// signed), after a delay of up to <see cref="WebhookDelayMaxMs"/>: "at least once", as real
    /// providers promise. A duplicate that fails to be delivered is not retried. One that comes
    /// after a later webhook about the same intent is out of order as well.
    /// </summary>
    [Range(0.0, 1.0)]
    public double WebhookDuplicateRate { get; set; }

    /// <summary>
    /// Each webhook's first attempt waits a random delay from 0 to this many milliseconds after the
    /// change it reports (late). Drawn for each webhook on its own, so a later webhook about an
    /// intent (its cancel, say) may go out before an earlier one (the buyer abandoning the
    /// challenge): out of order. 0 (the default): sent at once, in order.
    /// </summary>
    [Range(0, 3_600_000)]
    public int WebhookDelayMaxMs { get; set; }

    public Uri? WebhookUrl { get; set; }

    /// <summary>The shortest webhook secret accepted.</summary>
    public const int MinWebhookSecretLength = 24;

    /// <summary>The HMAC-SHA256 key webhooks are signed with. No default: a known key signs forgeries.</summary>
    public string? WebhookSecret { get; set; }

    [Required]
    public string DataDirectory { get; set; } = "data";
}
