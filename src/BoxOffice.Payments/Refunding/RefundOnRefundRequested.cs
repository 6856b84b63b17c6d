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
        switch (Decide(payment, requested, time.GetUtcNow()))
        {
            case null:
                LogNoPayment(requested.ReservationId);
                break;
            case { Changed: false } ignored:
                LogIgnored(requested.ReservationId, ignored.Payment.Status);
                break;
            case var decision:
                await PaymentStore.ApplyAsync(context.Transaction, decision, context.Envelope.EventId, cancellationToken);
                if (requested.Amount != decision.Payment.Amount || requested.Currency != decision.Payment.Currency)
                {
                    LogAmountDiffers(requested.ReservationId, requested.Amount, requested.Currency, decision.Payment.Amount, decision.Payment.Currency);
                }

                context.Transaction.OnCommitted(dispatcher.Wake);
                break;
        }
    }

    /// <summary>What the request does to the reservation's payment (the whole payment is refunded); null when it has none.</summary>
    public static PaymentDecision? Decide(Payment? payment, RefundRequested requested, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(requested);
        return payment?.RefundRequested(now);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refund requested for reservation {ReservationId}, which has no payment; ignored")]
    private partial void LogNoPayment(Guid reservationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refund requested for reservation {ReservationId}, whose payment is {Status}; ignored")]
    private partial void LogIgnored(Guid reservationId, PaymentStatus status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refund requested for reservation {ReservationId} asks {Amount} {Currency}; the whole payment of {Paid} {PaidCurrency} is refunded")]
    private partial void LogAmountDiffers(Guid reservationId, long amount, string currency, long paid, string paidCurrency);
}
