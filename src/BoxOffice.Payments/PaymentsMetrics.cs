using System.Diagnostics.Metrics;

namespace BoxOffice.Payments;

/// <summary>The Payments module's instruments, on the meter <c>BoxOffice.Payments</c>.</summary>
internal sealed class PaymentsMetrics
{
    public const string MeterName = "BoxOffice.Payments";
    public const string WebhooksRejected = "boxoffice.payments.webhooks.rejected";

    private readonly Counter<long> _webhooksRejected;

    public PaymentsMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _webhooksRejected = meter.CreateCounter<long>(WebhooksRejected, unit: "{webhook}",
            description: "Correctly signed gateway webhooks that were not applied, by reason.");
    }

    /// <summary>Counts a signed webhook acknowledged without effect because it does not match a payment of ours.</summary>
    public void WebhookRejected(string reason) => _webhooksRejected.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
