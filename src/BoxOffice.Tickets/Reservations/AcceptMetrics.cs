using System.Diagnostics.Metrics;

namespace BoxOffice.Tickets.Reservations;

/// <summary>
/// The accept path's instruments, on the meter <c>BoxOffice.Tickets</c>. Cheap on the hot path: a
/// counter per answer with one tag from a fixed set, a histogram entry per batch, and a gauge that
/// costs nothing until it is collected.
/// </summary>
internal sealed class AcceptMetrics
{
    public const string MeterName = "BoxOffice.Tickets";
    public const string Accepted = "boxoffice.tickets.reservations.accepted";
    public const string Refused = "boxoffice.tickets.reservations.refused";
    public const string QueueDepth = "boxoffice.tickets.accept.queue_depth";
    public const string BatchSize = "boxoffice.tickets.accept.batch_size";

    // Indexed by the refusal's value: one tag per reason, made once.
    private static readonly KeyValuePair<string, object?>[] Reasons =
        [.. Enum.GetValues<Refusal>().OrderBy(r => (int)r).Select(r => Reason(ProblemTypeOf(r)))];

    private static readonly KeyValuePair<string, object?> Overloaded = Reason("overloaded");
    private static readonly KeyValuePair<string, object?> Unavailable = Reason("unavailable");
    private static readonly KeyValuePair<string, object?> StorageFull = Reason("storage-full");
    private static readonly KeyValuePair<string, object?> KeyReused = Reason("idempotency-key-reused");

    private readonly Meter _meter;
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _refused;
    private readonly Histogram<int> _batchSize;

    public AcceptMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _meter = meters.Create(MeterName);
        _accepted = _meter.CreateCounter<long>(Accepted, unit: "{reservation}",
            description: "Reservations accepted (held as Pending), counted when their group commit commits; a replayed Idempotency-Key is not counted again.");
        _refused = _meter.CreateCounter<long>(Refused, unit: "{request}",
            description: "Reserve requests answered without a reservation, by reason: the problem type (sold-out, ticket-limit …; overloaded = the accept queue was full, unavailable = the group commit failed).");
        _batchSize = _meter.CreateHistogram<int>(BatchSize, unit: "{request}",
            description: "Reserve requests decided in one transaction of the group commit.");
    }

    /// <summary>Observes the accept queue's depth; called once, where the queue is made.</summary>
    public void ObserveQueue(Func<int> depth) =>
        _meter.CreateObservableGauge(QueueDepth, depth, unit: "{request}",
            description: "Reserve requests waiting for the group commit's writer (bounded by Tickets:AcceptQueueCapacity; 503 beyond).");

    public void Committed(int accepted) => _accepted.Add(accepted);

    public void Batch(int requests) => _batchSize.Record(requests);

    public void Refusal(Refusal why) => _refused.Add(1, Reasons[(int)why]);

    public void QueueFull() => _refused.Add(1, Overloaded);

    public void CommitFailed() => _refused.Add(1, Unavailable);

    public void DiskFull() => _refused.Add(1, StorageFull);

    public void IdempotencyKeyReused() => _refused.Add(1, KeyReused);

    private static KeyValuePair<string, object?> Reason(string reason) => new("reason", reason);

    /// <summary>The slug of the problem type each refusal is answered with (ReserveTickets.Refuse).</summary>
    private static string ProblemTypeOf(Refusal refusal) => refusal switch
    {
        Reservations.Refusal.AccountClosed => "account-closed",
        Reservations.Refusal.UnknownTicketType => "not-found",
        Reservations.Refusal.QuantityAboveMaxPerOrder or Reservations.Refusal.AmountOutOfRange => "invalid-request",
        Reservations.Refusal.SalesClosed => "sales-closed",
        Reservations.Refusal.AgeRestricted => "age-restricted",
        Reservations.Refusal.PendingReservationExists => "pending-reservation-exists",
        Reservations.Refusal.TicketLimit => "ticket-limit",
        Reservations.Refusal.SoldOut => "sold-out",
        _ => throw new InvalidOperationException($"Unmapped refusal {refusal}."),
    };
}
