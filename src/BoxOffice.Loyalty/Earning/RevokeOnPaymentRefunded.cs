using BoxOffice.Contracts.Payments;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Storage;

namespace BoxOffice.Loyalty.Earning;

/// <summary>A payment was refunded: the points it earned, if any, are taken back.</summary>
internal sealed class RevokeOnPaymentRefunded : IEventHandler<PaymentRefunded>
{
    public async ValueTask HandleAsync(PaymentRefunded @event, ConsumeContext context, CancellationToken cancellationToken)
    {
        await context.Command("INSERT INTO refunded_reservations (reservation_id) VALUES (@id) ON CONFLICT (reservation_id) DO NOTHING")
            .With("@id", @event.ReservationId.ToString()).ExecuteNonQueryAsync(cancellationToken);
        var earned = await context.Command("SELECT points FROM points_history WHERE reservation_id = @id AND kind = 'earned'")
            .With("@id", @event.ReservationId.ToString()).ExecuteScalarAsync(cancellationToken);
        if (earned is long points && points > 0)
        {
            await History.AddAsync(context, @event.UserId, @event.ReservationId, "revoked", -points, "payment refunded", cancellationToken);
        }
    }
}
