using System.Diagnostics;
using BoxOffice.Messaging.EventLog;
using BoxOffice.Messaging.Storage;

namespace BoxOffice.Messaging.Broker;

/// <summary>
/// The broker deliveries a consumer has applied, in the consumer's database: a row per event id,
/// written in the transaction that applies the event, so a delivery seen again (a redelivery after a
/// lost ack, a relay publishing twice, the same message sent three times) changes nothing.
/// </summary>
internal static class Inbox
{
    private const string InsertSql = """
        INSERT INTO inbox (consumer, event_id, source, seq, occurred_at) VALUES (@consumer, @event_id, @source, @seq, @occurred_at)
        ON CONFLICT (consumer, event_id) DO NOTHING
        """;

    /// <summary>Adds the statement recording <paramref name="stored"/>; it changes no row when the event was already recorded.</summary>
    public static void Add(StatementBatch batch, string consumer, StoredEvent stored)
    {
        var e = stored.Envelope;
        batch.Add(InsertSql)
            .With("@consumer", consumer).With("@event_id", e.EventId.ToString()).With("@source", e.Source)
            .With("@seq", stored.Sequence).With("@occurred_at", e.OccurredAt.ToUnixTimeMilliseconds());
    }

    /// <summary>Records <paramref name="stored"/> as applied; false when it already was.</summary>
    public static async Task<bool> AddAsync(ServiceTransaction tx, string consumer, StoredEvent stored, CancellationToken ct)
    {
        var batch = tx.Batch();
        Add(batch, consumer, stored);
        return (await batch.ExecuteAsync(ct))[0] == 1;
    }

    /// <summary>Forgets what a reset replays, so the replayed deliveries are applied again.</summary>
    public static Task ForgetAsync(ServiceTransaction tx, string consumer, Consuming.ReplayFrom from, CancellationToken ct) => from switch
    {
        Consuming.ReplayFrom.SequencePoint s => tx.Command("DELETE FROM inbox WHERE consumer = @consumer AND source = @source AND seq >= @seq")
            .With("@consumer", consumer).With("@source", s.Source).With("@seq", s.Position).ExecuteNonQueryAsync(ct),
        Consuming.ReplayFrom.TimePoint t => tx.Command("DELETE FROM inbox WHERE consumer = @consumer AND occurred_at >= @at")
            .With("@consumer", consumer).With("@at", t.At.ToUnixTimeMilliseconds()).ExecuteNonQueryAsync(ct),
        _ => tx.Command("DELETE FROM inbox WHERE consumer = @consumer").With("@consumer", consumer).ExecuteNonQueryAsync(ct),
    };
}

/// <summary>
/// The messaging core's traces: a consumer's handling of a delivery continues the trace the event
/// was caused in (its <c>traceparent</c> header), so the events its handler publishes carry it on.
/// </summary>
internal static class BrokerTelemetry
{
    public static readonly ActivitySource Source = new("BoxOffice.Messaging");

    public static Activity? StartConsume(string consumer, StoredEvent stored, string? traceParent)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        ActivityContext.TryParse(traceParent, null, out var parent);
        return Source.StartActivity($"{consumer} consume {stored.Envelope.Type}", ActivityKind.Consumer, parent);
    }
}
