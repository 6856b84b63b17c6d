using BoxOffice.Contracts.Payments;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Deciding;
using BoxOffice.Tickets.Reservations;
using BoxOffice.Tickets.Storage;
using Microsoft.Extensions.Options;

namespace BoxOffice.Tickets.Outcomes;

/// <summary>
/// The buyer must complete a challenge: the reservation shows where, and its hold is shortened to
/// at most <see cref="TicketsOptions.ChallengeHoldDuration"/> from now (never lengthened), so that
/// tickets waiting on an OTP nobody enters go back on sale sooner.
/// </summary>
internal sealed class ShowChallenge(TimeProvider time, IOptions<TicketsOptions> options) : IEventHandler<PaymentRequiresAction>
{
    public async ValueTask HandleAsync(PaymentRequiresAction @event, ConsumeContext context, CancellationToken cancellationToken)
    {
        if (await TicketsStore.LoadReservationAsync(context.Transaction, @event.ReservationId, cancellationToken) is { } reservation)
        {
            await context.ApplyAsync(Decide(reservation, @event, options.Value.ChallengeHoldDuration, time.GetUtcNow()), TicketsWriter.Instance, cancellationToken);
        }
    }

    /// <summary>Only while the payment is still Processing: a later status (or a repeat) changes nothing.</summary>
    public static Decision<TicketsChange> Decide(Reservation reservation, PaymentRequiresAction @event, TimeSpan challengeHold, DateTimeOffset now)
    {
        if (reservation.PaymentStatus != PaymentStatus.Processing)
        {
            return Decision<TicketsChange>.None;
        }

        var challengeExpires = now + challengeHold;
        return Decision<TicketsChange>.Of(new ReservationChanged(
            reservation with
            {
                PaymentStatus = PaymentStatus.RequiresAction,
                ChallengeUrl = @event.ChallengeUrl.ToString(),
                ExpiresAt = reservation.ExpiresAt > challengeExpires ? challengeExpires : reservation.ExpiresAt,
            },
            now));
    }
}

/// <summary>A late payment was refunded: the reservation shows it.</summary>
internal sealed class ShowRefund(TimeProvider time) : IEventHandler<PaymentRefunded>
{
    public async ValueTask HandleAsync(PaymentRefunded @event, ConsumeContext context, CancellationToken cancellationToken)
    {
        if (await TicketsStore.LoadReservationAsync(context.Transaction, @event.ReservationId, cancellationToken) is { } reservation)
        {
            await context.ApplyAsync(Decide(reservation, time.GetUtcNow()), TicketsWriter.Instance, cancellationToken);
        }
    }

    public static Decision<TicketsChange> Decide(Reservation reservation, DateTimeOffset now) =>
        Decision<TicketsChange>.Of(new ReservationChanged(reservation with { PaymentStatus = PaymentStatus.Refunded }, now));
}
