namespace BoxOffice.Messaging.Consuming;

/// <summary>Where a consumer restarts reading its sources when it is reset.</summary>
public abstract record ReplayFrom
{
    private ReplayFrom()
    {
    }

    /// <summary>The first event still in the log.</summary>
    public static ReplayFrom Beginning { get; } = new BeginningPoint();

    /// <summary>The first event at or after this time.</summary>
    public static ReplayFrom Time(DateTimeOffset at) => new TimePoint(at);

    /// <summary>The event with this sequence number in the given source's log (and the ones after it).</summary>
    public static ReplayFrom Sequence(string source, long sequence) =>
        sequence < 1 ? throw new ArgumentOutOfRangeException(nameof(sequence), "Sequence numbers start at 1.") : new SequencePoint(source, sequence);

    /// <summary>Replay from the start of the log.</summary>
    public sealed record BeginningPoint : ReplayFrom;

    /// <summary>Replay from a moment.</summary>
    /// <param name="At">The moment.</param>
    public sealed record TimePoint(DateTimeOffset At) : ReplayFrom;

    /// <summary>Replay from a position in one source's log.</summary>
    /// <param name="Source">The producing service.</param>
    /// <param name="Position">The first sequence number re-delivered.</param>
    public sealed record SequencePoint(string Source, long Position) : ReplayFrom;
}
