namespace BoxOffice.Contracts;

/// <summary>
/// An event as it is stored and transported: metadata plus the payload as JSON.
/// </summary>
/// <param name="EventId">UUID v7, time-ordered, unique per event.</param>
/// <param name="Type">The wire name, for example <c>tickets.held.v1</c>.</param>
/// <param name="OccurredAt">When the producing transaction decided it (UTC).</param>
/// <param name="CorrelationId">The business flow it belongs to (the reservation id where there is one).</param>
/// <param name="CausationId">The event whose handling caused this one, if any.</param>
/// <param name="Payload">The event serialized with its source-generated JSON metadata.</param>
public sealed record EventEnvelope(
    Guid EventId,
    string Type,
    DateTimeOffset OccurredAt,
    Guid? CorrelationId,
    Guid? CausationId,
    string Payload)
{
    /// <summary>The service whose log holds events of this type: the wire name's first segment.</summary>
    public string Source => SourceOf(Type);

    /// <summary>The producing service named by a wire name.</summary>
    public static string SourceOf(string wireName)
    {
        ArgumentException.ThrowIfNullOrEmpty(wireName);
        var dot = wireName.IndexOf('.', StringComparison.Ordinal);
        return dot <= 0 ? throw new ArgumentException($"Wire name '{wireName}' has no service prefix.", nameof(wireName)) : wireName[..dot];
    }
}
