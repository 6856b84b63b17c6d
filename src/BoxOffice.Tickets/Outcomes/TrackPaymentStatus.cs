using BoxOffice.Contracts.Payments;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Storage;
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
        var now = time.GetUtcNow();
        await context.Command("""
                UPDATE reservations SET payment_status = 'RequiresAction', challenge_url = @url, updated_at = @now,
                    expires_at = CASE WHEN expires_at > @challenge_expires THEN @challenge_expires ELSE expires_at END
                WHERE id = @id AND payment_status = 'Processing'
                """)
            .With("@url", @event.ChallengeUrl.ToString()).With("@now", TicketsStore.Ms(now))
            .With("@challenge_expires", TicketsStore.Ms(now + options.Value.ChallengeHoldDuration))
            .With("@id", @event.ReservationId.ToString()).ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>A late payment was refunded: the reservation shows it.</summary>
internal sealed class ShowRefund(TimeProvider time) : IEventHandler<PaymentRefunded>
{
    public async ValueTask HandleAsync(PaymentRefunded @event, ConsumeContext context, CancellationToken cancellationToken) =>
        await context.Command("UPDATE reservations SET payment_status = 'Refunded', updated_at = @now WHERE id = @id")
            .With("@now", TicketsStore.Ms(time.GetUtcNow())).With("@id", @event.ReservationId.ToString()).ExecuteNonQueryAsync(cancellationToken);
}
