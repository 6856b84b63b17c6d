using System.Globalization;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Loyalty.Storage;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Deciding;

namespace BoxOffice.Loyalty.Earning;

/// <summary>Tickets bought: the buyer earns a point per whole currency unit paid.</summary>
internal sealed class EarnOnTicketsAcquired : IEventHandler<TicketsAcquired>
{
    public async ValueTask HandleAsync(TicketsAcquired @event, ConsumeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(@event);
        ArgumentNullException.ThrowIfNull(context);
        var known = await ReservationPoints.LoadAsync(context.Transaction, @event.ReservationId, cancellationToken);
        await context.ApplyAsync(Decide(known, @event, context.Envelope.OccurredAt), LoyaltyWriter.Instance, cancellationToken);
    }

    /// <summary>
    /// Points for the purchase, dated when it happened. Nothing when it earned them already (the same
    /// fact again), when its refund was seen first (events of two logs arrive in no set order) or
    /// when it is worth no whole point.
    /// </summary>
    public static Decision<LoyaltyChange> Decide(ReservationPoints known, TicketsAcquired acquired, DateTimeOffset occurredAt)
    {
        ArgumentNullException.ThrowIfNull(known);
        ArgumentNullException.ThrowIfNull(acquired);
        var points = Points.For(acquired.Amount, acquired.Currency);
        if (known.Earned is not null || known.Refunded || points == 0)
        {
            return Decision<LoyaltyChange>.None;
        }

        var reason = string.Create(CultureInfo.InvariantCulture, $"{acquired.Quantity} ticket(s), {acquired.Amount / 100m:0.00} {acquired.Currency}");
        return Decision<LoyaltyChange>.Of(new LoyaltyChange.PointsEarned(acquired.UserId, acquired.ReservationId, points, reason, occurredAt));
    }
}
