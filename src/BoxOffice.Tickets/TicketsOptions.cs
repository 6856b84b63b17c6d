using System.ComponentModel.DataAnnotations;

namespace BoxOffice.Tickets;

/// <summary>Settings of the Tickets service (configuration section <c>Tickets</c>).</summary>
internal sealed class TicketsOptions
{
    public const string Section = "Tickets";

    /// <summary>How long tickets stay held as Pending waiting for a payment outcome.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan HoldDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a hold lasts at most once the payment waits for the buyer's challenge (3-D Secure
    /// OTP): the hold then ends at the earlier of its expiry and now plus this. Tickets held for a
    /// challenge nobody answers go back on sale sooner.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ChallengeHoldDuration { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Pending reservations a buyer may have per event at once.</summary>
    [Range(1, 10_000)]
    public int MaxPendingPerEvent { get; set; } = 1;

    /// <summary>Tickets a buyer may hold or own per event (Pending + Acquired).</summary>
    [Range(1, 10_000)]
    public int MaxTicketsPerEvent { get; set; } = 10;

    /// <summary>Reserve requests waiting for the group commit; beyond it requests get 503.</summary>
    [Range(1, 1_000_000)]
    public int AcceptQueueCapacity { get; set; } = 4_096;

    /// <summary>Most reserve requests decided and committed in one transaction.</summary>
    [Range(1, 10_000)]
    public int MaxBatch { get; set; } = 256;

    /// <summary>
    /// <see cref="TicketsMode.EventDriven"/> (the default) answers a reservation at once (202);
    /// <see cref="TicketsMode.RequestResponse"/> holds the request until the reservation is final
    /// (200), the traditional flow BoxOffice exists to be compared with (docs/benchmarks.md).
    /// </summary>
    public TicketsMode Mode { get; set; } = TicketsMode.EventDriven;

    /// <summary>In request-response mode, how long a request waits for the payment before it answers 504.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan RequestResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// In request-response mode, whether a waiting request blocks its thread (the seed's
    /// thread-per-request server, the default) or awaits without one.
    /// </summary>
    public RequestResponseWait RequestResponseWait { get; set; } = RequestResponseWait.BlockThread;

    /// <summary>
    /// How long a ticket type found with no ticket left is answered "sold out" at the edge, without
    /// joining the accept queue (<see cref="Reservations.SoldOutRecently"/>); zero turns it off.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan SoldOutMemory { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often overdue holds are looked for.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:01")]
    public TimeSpan ExpiryInterval { get; set; } = TimeSpan.FromMilliseconds(250);
}

/// <summary>How <c>POST /api/reservations</c> answers.</summary>
internal enum TicketsMode
{
    /// <summary>Held as Pending and answered 202 at once; payment follows as events.</summary>
    EventDriven,

    /// <summary>The same hold and payment, but the request is answered only once the reservation is final.</summary>
    RequestResponse,
}

/// <summary>How a request-response request waits for its reservation to be final.</summary>
internal enum RequestResponseWait
{
    /// <summary>Its thread blocks, as in a thread-per-request server.</summary>
    BlockThread,

    /// <summary>It awaits: no thread is held, only the connection and the request's memory.</summary>
    Await,
}
