using BoxOffice.Contracts.Payments;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Deciding;
using BoxOffice.Payments.Gateway;
using BoxOffice.Payments.Storage;

namespace BoxOffice.Payments;

internal enum PaymentStatus
{
    /// <summary>A charge is due or under way; its outcome is not known yet.</summary>
    Processing,

    /// <summary>The buyer must complete the gateway's challenge; the outcome arrives by webhook.</summary>
    RequiresAction,

    Succeeded,
    Failed,

    /// <summary>A refund of a succeeded payment is due or under way.</summary>
    Refunding,

    Refunded,

    /// <summary>
    /// The hold ended while the buyer's challenge was awaited: cancelling the gateway's intent is
    /// due or under way, so that the challenge can no longer take the money.
    /// </summary>
    Cancelling,

    /// <summary>The gateway cancelled the intent; nothing was charged.</summary>
    Cancelled,
}

/// <summary>
/// One payment per reservation and the pure decisions about it: each takes a fact (an event, a
/// gateway answer, a webhook) and returns a <see cref="PaymentDecision"/>: the payment after it and
/// the event it causes, typed. The callers load the payment and let the core write the decision
/// and publish its event in one transaction; nothing here touches the database, the gateway or the clock.
/// <c>Attempts</c> counts the gateway calls of the current step (the charge, then the refund or the cancel);
/// <c>NextAttemptAt</c> is when the dispatcher calls the gateway next, null when nothing is due.
/// </summary>
internal sealed record Payment(
    Guid Id,
    Guid ReservationId,
    Guid UserId,
    long Amount,
    string Currency,
    string Token,
    PaymentStatus Status,
    string? IntentId,
    Uri? ChallengeUrl,
    string? FailureReason,
    int Attempts,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public const string AuthenticationFailed = "payment authentication failed";

    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);

    public const string TokenUnreadable = "the payment token could not be read";

    /// <summary>
    /// Tickets are held: a charge is due at once with <paramref name="paymentToken"/>, the held
    /// event's sealed token as Payments opened it; null when it could not be opened, which fails
    /// the payment (no charge can be made) instead of retrying forever.
    /// </summary>
    public static PaymentDecision Start(TicketsHeld held, string? paymentToken, Guid paymentId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(held);
        var payment = new Payment(paymentId, held.ReservationId, held.UserId, held.Amount, held.Currency, paymentToken ?? string.Empty,
            PaymentStatus.Processing, null, null, null, 0, now, now, now);
        var failed = paymentToken is null ? payment.Fail(null, TokenUnreadable, now) : null;
        return new PaymentDecision(null, failed?.Payment ?? payment, failed?.Event);
    }

    /// <summary>Capped exponential backoff after <paramref name="attempts"/> calls: 1 s, 2 s, 4 s … up to <paramref name="max"/>.</summary>
    public static TimeSpan RetryDelay(int attempts, TimeSpan max)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 30);
        var delay = FirstRetryDelay * Math.Pow(2, exponent);
        return delay < max ? delay : max;
    }

    /// <summary>True when the dispatcher owes the gateway a call for this payment at <paramref name="now"/>.</summary>
    public bool IsDue(DateTimeOffset now) =>
        Status is PaymentStatus.Processing or PaymentStatus.Refunding or PaymentStatus.Cancelling && NextAttemptAt <= now;

    /// <summary>
    /// Records a call about to be made. The next attempt is pushed out before the call, so a call
    /// cut short by a crash is retried after the backoff and not at once in a loop.
    /// </summary>
    public Payment AttemptStarted(DateTimeOffset now, TimeSpan maxDelay) =>
        this with { Attempts = Attempts + 1, NextAttemptAt = now + RetryDelay(Attempts + 1, maxDelay), UpdatedAt = now };

    /// <summary>
    /// The dispatcher is about to make the call of <paramref name="step"/> (the status it found the
    /// payment due in): the attempt is recorded (<see cref="AttemptStarted"/>). Unchanged, and no call
    /// is made, when the payment moved on meanwhile or is no longer due.
    /// </summary>
    public PaymentDecision StartAttempt(PaymentStatus step, DateTimeOffset now, TimeSpan maxDelay) =>
        Status == step && IsDue(now) ? Then(AttemptStarted(now, maxDelay)) : PaymentDecision.Unchanged(this);

    /// <summary>The gateway's answer to the charge.</summary>
    public PaymentDecision Charged(ChargeResult result, DateTimeOffset now, TimeSpan maxDelay)
    {
        // A webhook may have settled the payment while the call was under way; it has the last word.
        if (Status != PaymentStatus.Processing)
        {
            return PaymentDecision.Unchanged(this);
        }

        return result switch
        {
            ChargeResult.Succeeded s => Succeed(s.IntentId, now),
            ChargeResult.Declined d => Fail(d.IntentId, d.Reason, now),
            ChargeResult.Rejected r => Fail(IntentId, r.Message, now),
            ChargeResult.ActionRequired a => Then(
                this with { Status = PaymentStatus.RequiresAction, IntentId = a.IntentId, ChallengeUrl = a.ChallengeUrl, NextAttemptAt = null, UpdatedAt = now },
                Outgoing.Of(new PaymentRequiresAction(Id, ReservationId, UserId, a.ChallengeUrl))),
            // The charge may or may not have happened. Failing it could leave a buyer charged
            // for tickets released to someone else, so it stays Processing and is asked again
            // later with the same idempotency key, which makes the gateway answer the first
            // outcome instead of charging twice.
            ChargeResult.Unknown => Then(this with { NextAttemptAt = now + RetryDelay(Attempts, maxDelay), UpdatedAt = now }),
            _ => throw new ArgumentOutOfRangeException(nameof(result), result, "Unknown charge result."),
        };
    }

    /// <summary>
    /// A signed webhook about an intent, for this payment. A valid signature says the gateway sent
    /// it, not that it is about this payment: it is applied only when it names the intent this
    /// payment stored from the gateway's answer to the charge, for the payment's amount and
    /// currency. The stored intent id is never taken from a webhook.
    /// </summary>
    public WebhookVerdict WebhookReceived(string type, string? intentId, long? amount, string? currency, DateTimeOffset now)
    {
        if (IntentId is null)
        {
            return new WebhookVerdict.Rejected(WebhookRejection.NoIntent);
        }

        if (!string.Equals(intentId, IntentId, StringComparison.Ordinal))
        {
            return new WebhookVerdict.Rejected(WebhookRejection.OtherIntent);
        }

        if (amount != Amount)
        {
            return new WebhookVerdict.Rejected(WebhookRejection.OtherAmount);
        }

        // ISO currency codes are case-insensitive ("eur" is EUR), as the gateway treats them.
        if (!string.Equals(currency, Currency, StringComparison.OrdinalIgnoreCase))
        {
            return new WebhookVerdict.Rejected(WebhookRejection.OtherCurrency);
        }

        // Cancelling included: the buyer may have paid just before the cancel reached the gateway,
        // and this webhook, acknowledged, is not sent again. Money taken is then money refunded.
        if (Status is not (PaymentStatus.Processing or PaymentStatus.RequiresAction or PaymentStatus.Cancelling))
        {
            return new WebhookVerdict.Applied(PaymentDecision.Unchanged(this));
        }

        return new WebhookVerdict.Applied(type switch
        {
            "payment_intent.succeeded" => Succeed(IntentId, now),
            "payment_intent.payment_failed" => Fail(IntentId, AuthenticationFailed, now),
            _ => PaymentDecision.Unchanged(this),
        });
    }

    /// <summary>
    /// Tickets released the reservation. Its hold expired or the buyer cancelled while the gateway
    /// still waits for the buyer's challenge: the intent is cancelled, so that answering the
    /// challenge later takes no money. Any other payment is left alone (a payment in flight that
    /// lands late is refunded when Tickets asks).
    /// </summary>
    public PaymentDecision TicketsReleased(ReleaseReason reason, DateTimeOffset now) =>
        Status == PaymentStatus.RequiresAction && IntentId is not null && reason is ReleaseReason.Expired or ReleaseReason.Cancelled
            ? Then(this with { Status = PaymentStatus.Cancelling, Attempts = 0, NextAttemptAt = now, UpdatedAt = now })
            : PaymentDecision.Unchanged(this);

    /// <summary>The gateway's answer to cancelling the intent.</summary>
    public PaymentDecision CancelAnswered(CancelResult result, DateTimeOffset now, TimeSpan maxDelay)
    {
        // A webhook may have settled the payment meanwhile; it has the last word.
        if (Status != PaymentStatus.Cancelling)
        {
            return PaymentDecision.Unchanged(this);
        }

        return result switch
        {
            CancelResult.Canceled => Then(this with { Status = PaymentStatus.Cancelled, NextAttemptAt = null, FailureReason = null, UpdatedAt = now }),
            // The buyer passed the challenge before the cancel arrived: the money is taken. The
            // payment waits for the gateway's succeeded webhook as before; Tickets, whose hold has
            // ended, then asks for the refund.
            CancelResult.NotCancellable n => Then(this with { Status = PaymentStatus.RequiresAction, NextAttemptAt = null, FailureReason = n.Message, UpdatedAt = now }),
            // Refused for good (the gateway does not know the intent): asking again changes nothing.
            CancelResult.Rejected r => Then(this with { FailureReason = r.Message, NextAttemptAt = null, UpdatedAt = now }),
            CancelResult.Unknown => Then(this with { NextAttemptAt = now + RetryDelay(Attempts, maxDelay), UpdatedAt = now }),
            _ => throw new ArgumentOutOfRangeException(nameof(result), result, "Unknown cancel result."),
        };
    }

    /// <summary>Tickets asked for the money back. Only a succeeded payment has anything to refund.</summary>
    public PaymentDecision RefundRequested(DateTimeOffset now) =>
        Status == PaymentStatus.Succeeded
            ? Then(this with { Status = PaymentStatus.Refunding, Attempts = 0, NextAttemptAt = now, FailureReason = null, UpdatedAt = now })
            : PaymentDecision.Unchanged(this);

    /// <summary>The gateway's answer to the refund.</summary>
    public PaymentDecision RefundAnswered(RefundResult result, DateTimeOffset now, TimeSpan maxDelay)
    {
        if (Status != PaymentStatus.Refunding)
        {
            return PaymentDecision.Unchanged(this);
        }

        return result switch
        {
            RefundResult.Refunded r => Then(
                this with { Status = PaymentStatus.Refunded, NextAttemptAt = null, FailureReason = null, UpdatedAt = now },
                Outgoing.Of(new PaymentRefunded(Id, ReservationId, UserId, r.Amount, r.Currency))),
            // The gateway refuses this refund for good (say, refunded by hand in its dashboard):
            // asking again changes nothing, so it waits, with the reason, for someone to look.
            RefundResult.Rejected r => Then(this with { FailureReason = r.Message, NextAttemptAt = null, UpdatedAt = now }),
            RefundResult.Unknown => Then(this with { NextAttemptAt = now + RetryDelay(Attempts, maxDelay), UpdatedAt = now }),
            _ => throw new ArgumentOutOfRangeException(nameof(result), result, "Unknown refund result."),
        };
    }

    private PaymentDecision Succeed(string? intentId, DateTimeOffset now) => Then(
        this with { Status = PaymentStatus.Succeeded, IntentId = intentId, NextAttemptAt = null, FailureReason = null, UpdatedAt = now },
        Outgoing.Of(new PaymentSucceeded(Id, ReservationId, UserId, Amount, Currency)));

    private PaymentDecision Fail(string? intentId, string reason, DateTimeOffset now) => Then(
        this with { Status = PaymentStatus.Failed, IntentId = intentId, NextAttemptAt = null, FailureReason = reason, UpdatedAt = now },
        Outgoing.Of(new PaymentFailed(Id, ReservationId, UserId, reason)));

    private PaymentDecision Then(Payment after, Outgoing? @event = null) => new(this, after, @event);
}

/// <summary>Why a signed webhook was not applied: it does not match the payment it names.</summary>
internal enum WebhookRejection
{
    /// <summary>The payment has no intent from the gateway's answer to the charge, so nothing to match.</summary>
    NoIntent,

    /// <summary>The webhook is about another intent than the one the charge created.</summary>
    OtherIntent,

    /// <summary>The intent's amount is not the payment's.</summary>
    OtherAmount,

    /// <summary>The intent's currency is not the payment's.</summary>
    OtherCurrency,
}

/// <summary>What a signed webhook does to a payment: a decision, or a rejection that changes nothing.</summary>
internal abstract record WebhookVerdict
{
    private WebhookVerdict()
    {
    }

    public sealed record Applied(PaymentDecision Decision) : WebhookVerdict;

    public sealed record Rejected(WebhookRejection Reason) : WebhookVerdict
    {
        /// <summary>The reason as a stable tag for logs and metrics: <c>no-intent</c>, <c>other-intent</c> ….</summary>
        public string Tag => Reason switch
        {
            WebhookRejection.NoIntent => "no-intent",
            WebhookRejection.OtherIntent => "other-intent",
            WebhookRejection.OtherAmount => "other-amount",
            WebhookRejection.OtherCurrency => "other-currency",
            _ => "unknown",
        };
    }
}

/// <summary>
/// A payment after a fact and the event the fact causes (none when nothing happened), typed for the
/// core to publish. <see cref="Before"/> is the payment the fact was decided on (null for a new one):
/// the change written is guarded by its status, so a decision that lost a race to another writer
/// fails (<see cref="PaymentConflict"/>) and publishes nothing.
/// </summary>
internal sealed record PaymentDecision(Payment? Before, Payment Payment, Outgoing? Event)
{
    public static PaymentDecision Unchanged(Payment payment) => new(payment, payment, null);

    /// <summary>True when there is a payment to insert or update.</summary>
    public bool Changed => Before != Payment;

    /// <summary>The core's form: the row to insert or the guarded update, then the event.</summary>
    public Decision<PaymentChange> ToDecision() => new(
        Before is null ? [new PaymentChange.Started(Payment)]
            : Changed ? [new PaymentChange.Updated(Payment, Before.Status)]
            : [],
        Event is null ? [] : [Event]);
}
