using System.Data.Common;
using System.Globalization;
using BoxOffice.Contracts;

namespace BoxOffice.Messaging.EventLog;

/// <summary>Appends events to a service's log with gap-free, increasing sequence numbers.</summary>
internal static class EventLogWriter
{
    private const string ReadHead = "SELECT last_seq FROM event_log_head WHERE id = 1";
    private const string WriteHead = "UPDATE event_log_head SET last_seq = @seq WHERE id = 1";
    private const string Insert = """
        INSERT INTO event_log (seq, event_id, type, occurred_at, correlation_id, causation_id, payload)
        VALUES (@seq, @event_id, @type, @occurred_at, @correlation_id, @causation_id, @payload)
        """;

    public static async Task AppendAsync(ServiceTransaction tx, List<EventEnvelope> events, CancellationToken ct)
    {
        // The head row is read and written inside the writer's transaction, so sequence numbers are
        // handed out in commit order with no gaps: a rolled-back transaction takes none with it, and
        // a reader that sees seq N has seen every event before N.
        var head = Convert.ToInt64(await tx.Command(ReadHead).ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        var insert = tx.Command(Insert);
        var p = Parameters(insert);
        foreach (var e in events)
        {
            p[0].Value = ++head;
            p[1].Value = e.EventId.ToString();
            p[2].Value = e.Type;
            p[3].Value = e.OccurredAt.ToUnixTimeMilliseconds();
            p[4].Value = (object?)e.CorrelationId?.ToString() ?? DBNull.Value;
            p[5].Value = (object?)e.CausationId?.ToString() ?? DBNull.Value;
            p[6].Value = e.Payload;
            await insert.ExecuteNonQueryAsync(ct);
        }

        var write = tx.Command(WriteHead);
        write.Parameters.Add(Parameter(write, "@seq", head));
        await write.ExecuteNonQueryAsync(ct);
    }

    private static DbParameter[] Parameters(DbCommand insert)
    {
        string[] names = ["@seq", "@event_id", "@type", "@occurred_at", "@correlation_id", "@causation_id", "@payload"];
        var parameters = new DbParameter[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            parameters[i] = Parameter(insert, names[i], DBNull.Value);
            insert.Parameters.Add(parameters[i]);
        }

        return parameters;
    }

    private static DbParameter Parameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        return parameter;
    }
}
