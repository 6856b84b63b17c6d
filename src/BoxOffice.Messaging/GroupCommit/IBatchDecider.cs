using BoxOffice.Messaging.Deciding;
using BoxOffice.Messaging.EventLog;

namespace BoxOffice.Messaging.GroupCommit;

/// <summary>
/// A use case decided in group commits (<see cref="GroupCommitQueue{TRequest, TState, TChange, TResult}"/>):
/// I/O at the two edges of a batch — load what the batch needs, write what it changed — and two pure
/// steps between them, run once per request in the order the requests joined.
/// </summary>
/// <typeparam name="TRequest">One caller's request.</typeparam>
/// <typeparam name="TState">What requests are decided on: loaded once per batch, then evolved by each accepted change.</typeparam>
/// <typeparam name="TChange">The module's change type.</typeparam>
/// <typeparam name="TResult">What one caller gets back.</typeparam>
public interface IBatchDecider<TRequest, TState, TChange, TResult>
{
    /// <summary>
    /// Loads, in the batch's transaction, the state every request of <paramref name="requests"/> is
    /// decided on: a few queries for the whole batch (lists of the keys it touches), not one per request.
    /// </summary>
    Task<TState> LoadAsync(ServiceTransaction transaction, IReadOnlyList<TRequest> requests, CancellationToken cancellationToken);

    /// <summary>Decides one request against <paramref name="state"/>, as the requests before it in the batch left it. Pure.</summary>
    Verdict<TChange, TResult> Decide(TState state, TRequest request, DateTimeOffset now);

    /// <summary>The state after <paramref name="change"/>: what the next request of the batch is decided on. Pure.</summary>
    TState Evolve(TState state, TChange change);

    /// <summary>
    /// Writes every change of the batch, in order, in <paramref name="transaction"/> — as one
    /// <see cref="ServiceTransaction.Batch"/> where it can, so a batch costs about one round trip.
    /// </summary>
    Task WriteAsync(ServiceTransaction transaction, IReadOnlyList<TChange> changes, CancellationToken cancellationToken);
}

/// <summary>What deciding one request gave: the caller's answer and what to write and publish for it.</summary>
/// <param name="Result">What the caller gets once the batch commits.</param>
/// <param name="Decision">The changes and events (none for a refusal).</param>
/// <param name="CorrelationId">The correlation id of the decision's events (for example the id of what it created).</param>
public sealed record Verdict<TChange, TResult>(TResult Result, Decision<TChange> Decision, Guid? CorrelationId = null)
{
    /// <summary>An answer that writes and publishes nothing (a refusal, a replay).</summary>
    public static Verdict<TChange, TResult> Only(TResult result) => new(result, Decision<TChange>.None);
}

/// <summary>
/// A request of a group commit got no result: its batch failed to load, write or commit (nothing of
/// it was kept), its own decision threw, or the queue stopped first. Safe to retry.
/// </summary>
public sealed class GroupCommitFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GroupCommitFailedException()
        : base("The request was not committed.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public GroupCommitFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public GroupCommitFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
