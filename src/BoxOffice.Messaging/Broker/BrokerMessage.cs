using System.Globalization;
using System.Text;
using BoxOffice.Contracts;
using BoxOffice.Messaging.EventLog;
using RabbitMQ.Client;

namespace BoxOffice.Messaging.Broker;

/// <summary>An event of a log as the relay reads it: the stored event and the trace it was caused in.</summary>
internal sealed record RelayedEvent(StoredEvent Stored, string? TraceParent);

/// <summary>A delivery taken off a queue, its body copied (the client reuses the buffer).</summary>
internal sealed record Delivery(ulong Tag, bool DeadLettered, string RoutingKey, IReadOnlyBasicProperties Properties, string Body);

/// <summary>How an event travels: AMQP properties and headers on the way out, the envelope back on the way in.</summary>
internal static class BrokerMessage
{
    public const string SourceHeader = "source";
    public const string SequenceHeader = "seq";
    public const string OccurredAtHeader = "occurred_at";
    public const string CorrelationHeader = "correlation_id";
    public const string CausationHeader = "causation_id";
    public const string TraceParentHeader = "traceparent";

    /// <summary>Persistent, message id = event id, type = wire name, and what the envelope carries besides the payload as headers.</summary>
    public static BasicProperties Properties(RelayedEvent relayed)
    {
        var e = relayed.Stored.Envelope;
        var headers = new Dictionary<string, object?>(6)
        {
            [SourceHeader] = e.Source,
            [SequenceHeader] = relayed.Stored.Sequence,
            [OccurredAtHeader] = e.OccurredAt.ToUnixTimeMilliseconds(),
        };
        if (e.CorrelationId is { } correlation)
        {
            headers[CorrelationHeader] = correlation.ToString();
        }

        if (e.CausationId is { } causation)
        {
            headers[CausationHeader] = causation.ToString();
        }

        if (relayed.TraceParent is { } trace)
        {
            headers[TraceParentHeader] = trace;
        }

        return new BasicProperties
        {
            MessageId = e.EventId.ToString(),
            Type = e.Type,
            ContentType = "application/json",
            Persistent = true,
            Timestamp = new AmqpTimestamp(e.OccurredAt.ToUnixTimeSeconds()),
            Headers = headers,
        };
    }

    public static ReadOnlyMemory<byte> Body(RelayedEvent relayed) => Encoding.UTF8.GetBytes(relayed.Stored.Envelope.Payload);

    /// <summary>The stored event a delivery carries, or why it carries none (a message BoxOffice did not publish).</summary>
    public static (StoredEvent? Event, string? TraceParent, string? Error) Read(Delivery delivery)
    {
        var p = delivery.Properties;
        var headers = p.Headers;
        var type = p.Type ?? delivery.RoutingKey;
        if (!Guid.TryParse(p.MessageId, out var eventId) || headers is null
            || Long(headers, SequenceHeader) is not { } seq || Long(headers, OccurredAtHeader) is not { } occurredAt)
        {
            return (null, null, $"message '{p.MessageId}' ({type}) lacks an event id, '{SequenceHeader}' or '{OccurredAtHeader}'");
        }

        var envelope = new EventEnvelope(
            eventId,
            type,
            DateTimeOffset.FromUnixTimeMilliseconds(occurredAt),
            Guid.TryParse(Text(headers, CorrelationHeader), out var correlation) ? correlation : null,
            Guid.TryParse(Text(headers, CausationHeader), out var causation) ? causation : null,
            delivery.Body);
        return (new StoredEvent(seq, envelope), Text(headers, TraceParentHeader), null);
    }

    public static string? Text(IDictionary<string, object?> headers, string key) => headers.TryGetValue(key, out var value)
        ? value switch
        {
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            string s => s,
            _ => null,
        }
        : null;

    public static long? Long(IDictionary<string, object?> headers, string key) => headers.TryGetValue(key, out var value)
        ? value switch
        {
            long l => l,
            int i => i,
            short s => s,
            byte[] bytes when long.TryParse(Encoding.UTF8.GetString(bytes), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        }
        : null;
}
