using System.Diagnostics.Metrics;
using System.Globalization;
using BoxOffice.Messaging.Hosting;
using BoxOffice.Messaging.Storage;

namespace BoxOffice.Messaging.Operations;

/// <summary>
/// The messaging core's instruments, on the meter <c>BoxOffice.Messaging</c>. Counters are added
/// where the work happens (after a commit, once per transaction); the gauges read a snapshot of what
/// the operators' API computes (<see cref="MessagingAdmin.SubscriptionsAsync"/> and the dead letters
/// not redriven), refreshed every few seconds by <see cref="MessagingMetricsRefresh"/> while something
/// collects them, so a scrape never waits on a database.
/// </summary>
internal sealed class MessagingMetrics
{
    public const string MeterName = "BoxOffice.Messaging";
    public const string EventsAppended = "boxoffice.messaging.events.appended";
    public const string EventsApplied = "boxoffice.messaging.events.applied";
    public const string ConsumerLag = "boxoffice.messaging.consumer.lag";
    public const string DeadLetters = "boxoffice.messaging.dead_letters";

    private readonly Counter<long> _appended;
    private readonly Counter<long> _applied;
    private readonly ObservableGauge<long> _lag;
    private readonly ObservableGauge<long> _deadLetters;
    private volatile Snapshot _latest = new([], []);

    public MessagingMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _appended = meter.CreateCounter<long>(EventsAppended, unit: "{event}",
            description: "Events appended to a service's log (the outbox), counted when their transaction commits.");
        _applied = meter.CreateCounter<long>(EventsApplied, unit: "{event}",
            description: "Events a consumer applied from a source's log, counted when the consumer's transaction commits (dead-lettered ones are not).");
        _lag = meter.CreateObservableGauge(ConsumerLag, ObserveLag, unit: "{event}",
            description: "Events in a source's log after a consumer's position (of any type), as GET /api/admin/messaging/subscriptions shows it; refreshed every few seconds.");
        _deadLetters = meter.CreateObservableGauge(DeadLetters, ObserveDeadLetters, unit: "{event}",
            description: "A consumer's dead letters not redriven yet, as GET /api/admin/messaging/consumers/{consumer}/dead-letters lists them; refreshed every few seconds.");
    }

    /// <summary>True while something collects the gauges (otherwise the snapshot is not worth a query).</summary>
    public bool GaugesObserved => _lag.Enabled || _deadLetters.Enabled;

    public void Appended(string source, int count) =>
        _appended.Add(count, new KeyValuePair<string, object?>("source", source));

    public void Applied(string consumer, string source, int count) =>
        _applied.Add(count, new KeyValuePair<string, object?>("consumer", consumer), new KeyValuePair<string, object?>("source", source));

    public void Publish(IReadOnlyList<SubscriptionStatus> subscriptions, IReadOnlyList<KeyValuePair<string, long>> deadLetters) =>
        _latest = new Snapshot(subscriptions, deadLetters);

    private IEnumerable<Measurement<long>> ObserveLag()
    {
        foreach (var s in _latest.Subscriptions)
        {
            yield return new Measurement<long>(s.Lag, new KeyValuePair<string, object?>("consumer", s.Consumer), new KeyValuePair<string, object?>("source", s.Source));
        }
    }

    private IEnumerable<Measurement<long>> ObserveDeadLetters()
    {
        foreach (var (consumer, count) in _latest.DeadLetters)
        {
            yield return new Measurement<long>(count, new KeyValuePair<string, object?>("consumer", consumer));
        }
    }

    private sealed record Snapshot(IReadOnlyList<SubscriptionStatus> Subscriptions, IReadOnlyList<KeyValuePair<string, long>> DeadLetters);
}

/// <summary>
/// Refreshes <see cref="MessagingMetrics"/>' gauges every <see cref="Interval"/> on the one
/// background loop, and only while something collects them: a process nobody scrapes runs no query.
/// </summary>
internal sealed class MessagingMetricsRefresh(MessagingMetrics metrics, MessagingRuntime runtime, MessagingAdmin admin, WorkLoopServices services)
    : WorkLoop("Refreshing the messaging gauges", services)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override TimeSpan Poll => Interval;

    protected override async Task<bool> DoDueWorkAsync(CancellationToken ct)
    {
        if (!metrics.GaugesObserved || !runtime.IsReady)
        {
            return false;
        }

        // A subscription not initialised yet has no position to measure from.
        var subscriptions = (await admin.SubscriptionsAsync(ct)).Where(s => s.Position >= 0).ToList();
        var deadLetters = new List<KeyValuePair<string, long>>();
        foreach (var consumer in runtime.Consumers)
        {
            deadLetters.Add(new(consumer.Name, await WaitingAsync(consumer.Database, consumer.Name, ct)));
        }

        metrics.Publish(subscriptions, deadLetters);
        return false;
    }

    private static async Task<long> WaitingAsync(ServiceDatabase database, string consumer, CancellationToken ct)
    {
        await using var connection = await database.OpenReadAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM dead_letters WHERE consumer = @consumer AND redriven_at IS NULL";
        command.With("@consumer", consumer);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }
}
