using System.Globalization;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Storage;

namespace BoxOffice.Loyalty.Earning;

/// <summary>Tickets bought: the buyer earns a point per whole currency unit paid.</summary>
internal sealed class EarnOnTicketsAcquired : IEventHandler<TicketsAcquired>
{
    public async ValueTask HandleAsync(TicketsAcquired @event, ConsumeContext context, CancellationToken cancellationToken)
    {
        // Events of two logs arrive in no set order: a refund seen first means there is nothing to earn.
        var refunded = Convert.ToInt64(await context.Command("SELECT COUNT(*) FROM refunded_reservations WHERE reservation_id = @id")
            .With("@id", @event.ReservationId.ToString()).ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) > 0;
        var points = refunded ? 0 : Points.For(@event.Amount, @event.Currency);
        if (points == 0)
        {
            return;
        }

        await History.AddAsync(context, @event.UserId, @event.ReservationId, "earned", points,
            string.Create(CultureInfo.InvariantCulture, $"{@event.Quantity} ticket(s), {@event.Amount / 100m:0.00} {@event.Currency}"), cancellationToken);
    }
}
