using System.Globalization;
using BoxOffice.Contracts;

namespace BoxOffice.Messaging.EventLog;

/// <summary>Appends events to a service's log with gap-free, increasing sequence numbers.</summary>
internal static class EventLogWriter
{
    private const string ReadHead = "SELECT last_seq FROM event_log_head WHERE id = 1";
    private const string WriteHead = "UPDATE event_log_head SET last_seq = @seq WHERE id = 1";
    private const string Insert = """
        INSERT INTO event_log (seq, event_id, type, occurred_at, correlation_id, causation_id, payload, trace_parent)
        VALUES (@seq, @event_id, @type, @occurred_at, @correlation_id, @causation_id, @payload, @trace_parent)
        """;

    public static async Task AppendAsync(ServiceTransaction tx, List<EventEnvelope> events, List<string?> traceParents, CancellationToken ct)
    {
        // The head row is read and written inside the writer's transaction, which holds the
        // database's write lock until it commits, so sequence numbers are handed out in commit order
        // with no gaps: a rolled-back transaction takes none with it, and a reader that sees seq N has
        // seen every event before N.
        var head = Convert.ToInt64(await tx.Command(ReadHead).ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        var batch = tx.Batch();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            batch.Add(Insert)
                .With("@seq", ++head)
                .With("@event_id", e.EventId.ToString())
                .With("@type", e.Type)
                .With("@occurred_at", e.OccurredAt.ToUnixTimeMilliseconds())
                .With("@correlation_id", e.CorrelationId?.ToString())
                .With("@causation_id", e.CausationId?.ToString())
                .With("@payload", e.Payload)
                .With("@trace_parent", traceParents[i]);
        }

        batch.Add(WriteHead).With("@seq", head);
        await batch.ExecuteAsync(ct);
    }
}
