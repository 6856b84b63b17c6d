using BoxOffice.Contracts.Payments;
using BoxOffice.Loyalty.Storage;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Deciding;

namespace BoxOffice.Loyalty.Earning;

/// <summary>A payment was refunded: the points it earned, if any, are taken back.</summary>
internal sealed class RevokeOnPaymentRefunded : IEventHandler<PaymentRefunded>
{
    public const string Reason = "payment refunded";

    public async ValueTask HandleAsync(PaymentRefunded @event, ConsumeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(@event);
        ArgumentNullException.ThrowIfNull(context);
        var known = await ReservationPoints.LoadAsync(context.Transaction, @event.ReservationId, cancellationToken);
        await context.ApplyAsync(Decide(known, @event, context.Envelope.OccurredAt), LoyaltyWriter.Instance, cancellationToken);
    }

    /// <summary>
    /// The refund is remembered (a purchase seen later earns nothing) and the points the purchase
    /// earned are revoked. A refund seen already decides nothing: it revoked what there was.
    /// </summary>
    public static Decision<LoyaltyChange> Decide(ReservationPoints known, PaymentRefunded refunded, DateTimeOffset occurredAt)
    {
        ArgumentNullException.ThrowIfNull(known);
        ArgumentNullException.ThrowIfNull(refunded);
        if (known.Refunded)
        {
            return Decision<LoyaltyChange>.None;
        }

        LoyaltyChange seen = new LoyaltyChange.RefundSeen(refunded.ReservationId);
        return known.Earned is > 0 and var earned
            ? new([seen, new LoyaltyChange.PointsRevoked(refunded.UserId, refunded.ReservationId, earned, Reason, occurredAt)], [])
            : Decision<LoyaltyChange>.Of(seen);
    }
}
