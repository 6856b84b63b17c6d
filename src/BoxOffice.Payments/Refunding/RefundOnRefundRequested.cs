using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Payments.Charging;
using BoxOffice.Payments.Storage;
using Microsoft.Extensions.Logging;

namespace BoxOffice.Payments.Refunding;

/// <summary>
/// Tickets asked for a payment back: a succeeded payment becomes Refunding and the dispatcher
/// refunds it after the commit. Anything else (no payment, not succeeded, already refunding or
/// refunded: a repeated request) is left alone.
/// </summary>
internal sealed partial class RefundOnRefundRequested(TimeProvider time, DispatchSignal dispatcher, ILogger<RefundOnRefundRequested> logger)
    : IEventHandler<RefundRequested>
{
    public async ValueTask HandleAsync(RefundRequested requested, ConsumeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requested);
        ArgumentNullException.ThrowIfNull(context);
        var payment = await PaymentStore.FindAsync(context.Transaction, requested.ReservationId, cancellationToken);
        if (payment is null)
        {
            LogNoPayment(requested.ReservationId);
            return;
        }

        var decision = payment.RefundRequested(time.GetUtcNow());
        if (await PaymentStore.SaveAsync(context.Transaction, payment, decision, cancellationToken))
        {
            if (requested.Amount != payment.Amount || requested.Currency != payment.Currency)
            {
                LogAmountDiffers(requested.ReservationId, requested.Amount, requested.Currency, payment.Amount, payment.Currency);
            }

            context.Transaction.OnCommitted(dispatcher.Wake);
        }
        else
        {
            LogIgnored(requested.ReservationId, payment.Status);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refund requested for reservation {ReservationId}, which has no payment; ignored")]
    private partial void LogNoPayment(Guid reservationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refund requested for reservation {ReservationId}, whose payment is {Status}; ignored")]
    private partial void LogIgnored(Guid reservationId, PaymentStatus status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refund requested for reservation {ReservationId} asks {Amount} {Currency}; the whole payment of {Paid} {PaidCurrency} is refunded")]
    private partial void LogAmountDiffers(Guid reservationId, long amount, string currency, long paid, string paidCurrency);
}
