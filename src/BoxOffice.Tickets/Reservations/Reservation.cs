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

/// <summary>A reservation as stored: the state the deciders of its life after the hold take and return.</summary>
internal sealed record Reservation(
    Guid Id,
    Guid UserId,
    Guid EventId,
    Guid TicketTypeId,
    int Quantity,
    long Amount,
    string Currency,
    ReservationStatus Status,
    PaymentStatus PaymentStatus,
    string? ChallengeUrl,
    string? FailureReason,
    DateTimeOffset? RefundRequestedAt,
    DateTimeOffset ExpiresAt)
{
    /// <summary>Only a Pending reservation can be released, expired or cancelled; the others are final.</summary>
    public bool CanRelease => Status == ReservationStatus.Pending;

    /// <summary>A refund of a late payment was already asked for: never ask twice.</summary>
    public bool RefundRequested => RefundRequestedAt is not null;
}
