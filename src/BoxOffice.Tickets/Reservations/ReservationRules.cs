using BoxOffice.Contracts.Tickets;

namespace BoxOffice.Tickets.Reservations;

internal enum ReservationStatus
{
    Pending,
    Acquired,
    Released,
    Expired,
    Cancelled,
}

internal enum PaymentStatus
{
    Processing,
    RequiresAction,
    Succeeded,
    Failed,
    Refunded,
}

/// <summary>Why a reserve request is refused; each maps to one HTTP status and problem type.</summary>
internal enum Refusal
{
    AccountClosed,
    UnknownTicketType,
    QuantityAboveMaxPerOrder,
    SalesClosed,
    AgeRestricted,

    /// <summary>The buyer already has as many Pending reservations for the event as allowed.</summary>
    PendingReservationExists,

    /// <summary>The tickets the buyer holds or bought for the event, plus these, pass the per-buyer limit.</summary>
    TicketLimit,
    SoldOut,

    /// <summary>The total does not fit a charge (only a stored type that bypassed the catalog's bounds gets here).</summary>
    AmountOutOfRange,
}

/// <summary>A ticket type with its event's facts that a reservation is decided on.</summary>
internal sealed record TicketTypeState(
    Guid Id,
    Guid EventId,
    long Price,
    string Currency,
    int Capacity,
    int Held,
    int Sold,
    int MaxPerOrder,
    DateTimeOffset EventStartsAt,
    int MinimumAge)
{
    public int Available => Capacity - Held - Sold;
}

/// <summary>What the buyer already holds or owns for the event (<paramref name="LatestPending"/>: one Pending reservation's id, to point the buyer at).</summary>
internal sealed record BuyerHolds(int PendingReservations, int Tickets, Guid? LatestPending = null);

internal sealed record HoldLimits(int MaxPendingPerEvent, int MaxTicketsPerEvent);

/// <summary>What a payment outcome does to a reservation in a given state.</summary>
internal enum SucceededAction
{
    Acquire,
    RequestRefund,
    Ignore,
}

/// <summary>The deciding functions of a reservation: pure, so every rule is tested without a host.</summary>
internal static class ReservationRules
{
    /// <summary>Null when the request may be accepted; else the first rule it breaks.</summary>
    public static Refusal? CheckReserve(TicketTypeState? type, int quantity, DateOnly? birthDate, BuyerHolds holds, HoldLimits limits, DateTimeOffset now)
    {
        if (type is null)
        {
            return Refusal.UnknownTicketType;
        }

        if (quantity > type.MaxPerOrder)
        {
            return Refusal.QuantityAboveMaxPerOrder;
        }

        if (Amount(type.Price, quantity) is null)
        {
            return Refusal.AmountOutOfRange;
        }

        if (now >= type.EventStartsAt)
        {
            return Refusal.SalesClosed;
        }

        if (!AgeRule.IsOldEnough(birthDate, type.EventStartsAt, type.MinimumAge))
        {
            return Refusal.AgeRestricted;
        }

        if (holds.PendingReservations >= limits.MaxPendingPerEvent)
        {
            return Refusal.PendingReservationExists;
        }

        if (holds.Tickets + quantity > limits.MaxTicketsPerEvent)
        {
            return Refusal.TicketLimit;
        }

        return type.Available < quantity ? Refusal.SoldOut : null;
    }

    /// <summary>
    /// The total to charge, in minor units; null when it would overflow or be negative. Checked
    /// arithmetic: a wrapped total would charge a wrong, possibly negative, amount.
    /// </summary>
    public static long? Amount(long price, int quantity)
    {
        try
        {
            var amount = checked(price * quantity);
            return amount >= 0 ? amount : null;
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    /// <summary>
    /// A payment succeeded: a Pending reservation is acquired; one that already ended without
    /// tickets must give the money back (once); an Acquired one was already settled.
    /// </summary>
    public static SucceededAction OnPaymentSucceeded(ReservationStatus status, bool refundAlreadyRequested) => status switch
    {
        ReservationStatus.Pending => SucceededAction.Acquire,
        ReservationStatus.Acquired => SucceededAction.Ignore,
        _ when refundAlreadyRequested => SucceededAction.Ignore,
        _ => SucceededAction.RequestRefund,
    };

    /// <summary>Only a Pending reservation can be released, expired or cancelled; the others are final.</summary>
    public static bool CanRelease(ReservationStatus status) => status == ReservationStatus.Pending;
}
