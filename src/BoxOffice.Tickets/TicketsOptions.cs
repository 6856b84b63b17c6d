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

    /// <summary>How often overdue holds are looked for.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:01")]
    public TimeSpan ExpiryInterval { get; set; } = TimeSpan.FromMilliseconds(250);
}
