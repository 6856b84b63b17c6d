using BoxOffice.Contracts.Payments;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Payments.Gateway;

namespace BoxOffice.Payments.Tests;

/// <summary>The pure decisions of <see cref="Payment"/>: no host, no database, no gateway.</summary>
public sealed class DecidingPayments
{
    private static readonly DateTimeOffset Now = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);
    private static readonly Uri Challenge = new("http://gateway.test/challenge/pi_1");

    private static readonly TicketsHeld Held = new(
        Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(),
        2, 5000, "EUR", "rsa-oaep-sha256:sealed", Now.AddMinutes(10));

    private static Payment Processing() => Payment.Start(Held, "tok_visa", Guid.CreateVersion7(Now), Now).Payment.AttemptStarted(Now, MaxDelay);

    private static Payment In(PaymentStatus status) => Processing() with { Status = status, IntentId = "pi_1", NextAttemptAt = null };

    [Fact]
    public void A_held_reservation_starts_a_payment_that_is_due_at_once()
    {
        var (payment, @event) = Payment.Start(Held, "tok_visa", Guid.CreateVersion7(Now), Now);

        @event.ShouldBeNull();
        payment.Status.ShouldBe(PaymentStatus.Processing);
        payment.ReservationId.ShouldBe(Held.ReservationId);
        payment.Amount.ShouldBe(5000);
        payment.Token.ShouldBe("tok_visa");
        payment.Attempts.ShouldBe(0);
        payment.IsDue(Now).ShouldBeTrue();
    }

    [Fact]
    public void A_held_reservation_whose_token_cannot_be_opened_fails_at_once_with_the_reason()
    {
        var (payment, @event) = Payment.Start(Held, null, Guid.CreateVersion7(Now), Now);

        payment.Status.ShouldBe(PaymentStatus.Failed);
        payment.FailureReason.ShouldBe(Payment.TokenUnreadable);
        payment.IsDue(Now).ShouldBeFalse();
        @event.ShouldBe(new PaymentFailed(payment.Id, Held.ReservationId, Held.UserId, Payment.TokenUnreadable));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(5, 16)]
    [InlineData(6, 30)]
    [InlineData(1000, 30)]
    public void Retries_back_off_exponentially_up_to_the_cap(int attempts, int seconds) =>
        Payment.RetryDelay(attempts, MaxDelay).ShouldBe(TimeSpan.FromSeconds(seconds));

    [Fact]
    public void An_attempt_is_counted_and_the_next_one_pushed_out_before_the_call()
    {
        var started = Payment.Start(Held, "tok_visa", Guid.CreateVersion7(Now), Now).Payment.AttemptStarted(Now, MaxDelay).AttemptStarted(Now, MaxDelay);

        started.Attempts.ShouldBe(2);
        started.NextAttemptAt.ShouldBe(Now + TimeSpan.FromSeconds(2));
        started.IsDue(Now).ShouldBeFalse();
    }

    [Fact]
    public void A_succeeded_charge_succeeds_the_payment()
    {
        var payment = Processing();

        var decision = payment.Charged(new ChargeResult.Succeeded("pi_1"), Now, MaxDelay);

        decision.Payment.Status.ShouldBe(PaymentStatus.Succeeded);
        decision.Payment.IntentId.ShouldBe("pi_1");
        decision.Payment.NextAttemptAt.ShouldBeNull();
        decision.Event.ShouldBe(new PaymentSucceeded(payment.Id, payment.ReservationId, payment.UserId, 5000, "EUR"));
    }

    [Fact]
    public void A_declined_charge_fails_the_payment_with_the_decline_reason()
    {
        var payment = Processing();

        var decision = payment.Charged(new ChargeResult.Declined("pi_1", "card_declined"), Now, MaxDelay);

        decision.Payment.Status.ShouldBe(PaymentStatus.Failed);
        decision.Payment.FailureReason.ShouldBe("card_declined");
        decision.Event.ShouldBe(new PaymentFailed(payment.Id, payment.ReservationId, payment.UserId, "card_declined"));
    }

    [Fact]
    public void A_charge_refused_as_an_invalid_request_fails_the_payment_with_the_message()
    {
        var payment = Processing();

        var decision = payment.Charged(new ChargeResult.Rejected("No such token: 'tok_nope'"), Now, MaxDelay);

        decision.Payment.Status.ShouldBe(PaymentStatus.Failed);
        decision.Event.ShouldBe(new PaymentFailed(payment.Id, payment.ReservationId, payment.UserId, "No such token: 'tok_nope'"));
    }

    [Fact]
    public void A_challenge_puts_the_payment_on_hold_for_the_buyer()
    {
        var payment = Processing();

        var decision = payment.Charged(new ChargeResult.ActionRequired("pi_1", Challenge), Now, MaxDelay);

        decision.Payment.Status.ShouldBe(PaymentStatus.RequiresAction);
        decision.Payment.ChallengeUrl.ShouldBe(Challenge);
        decision.Payment.IsDue(Now.AddDays(1)).ShouldBeFalse();
        decision.Event.ShouldBe(new PaymentRequiresAction(payment.Id, payment.ReservationId, payment.UserId, Challenge));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(10_000)]
    public void An_unknown_outcome_never_fails_the_payment_and_is_asked_again_later(int attempts)
    {
        var payment = Processing() with { Attempts = attempts };

        var decision = payment.Charged(new ChargeResult.Unknown("TimeoutRejectedException"), Now, MaxDelay);

        decision.Event.ShouldBeNull();
        decision.Payment.Status.ShouldBe(PaymentStatus.Processing);
        decision.Payment.NextAttemptAt.ShouldBe(Now + Payment.RetryDelay(attempts, MaxDelay));
        decision.Payment.IsDue(Now + MaxDelay).ShouldBeTrue();
    }

    [Fact]
    public void A_late_charge_answer_changes_nothing_once_a_webhook_settled_the_payment()
    {
        var settled = In(PaymentStatus.Succeeded);

        var decision = settled.Charged(new ChargeResult.ActionRequired("pi_1", Challenge), Now, MaxDelay);

        decision.Payment.ShouldBe(settled);
        decision.Event.ShouldBeNull();
    }

    [Theory]
    [InlineData(nameof(PaymentStatus.RequiresAction))]
    [InlineData(nameof(PaymentStatus.Processing))]
    public void A_succeeded_webhook_succeeds_an_open_payment(string status)
    {
        var payment = In(Enum.Parse<PaymentStatus>(status)) with { IntentId = null };

        var decision = payment.WebhookReceived("payment_intent.succeeded", "pi_9", Now);

        decision.Payment.Status.ShouldBe(PaymentStatus.Succeeded);
        decision.Payment.IntentId.ShouldBe("pi_9");
        decision.Event.ShouldBe(new PaymentSucceeded(payment.Id, payment.ReservationId, payment.UserId, 5000, "EUR"));
    }

    [Fact]
    public void A_failed_webhook_fails_the_payment_as_an_authentication_failure()
    {
        var payment = In(PaymentStatus.RequiresAction);

        var decision = payment.WebhookReceived("payment_intent.payment_failed", "pi_1", Now);

        decision.Payment.Status.ShouldBe(PaymentStatus.Failed);
        decision.Event.ShouldBe(new PaymentFailed(payment.Id, payment.ReservationId, payment.UserId, "payment authentication failed"));
    }

    [Theory]
    [InlineData(nameof(PaymentStatus.Succeeded), "payment_intent.succeeded")]
    [InlineData(nameof(PaymentStatus.Succeeded), "payment_intent.payment_failed")]
    [InlineData(nameof(PaymentStatus.Failed), "payment_intent.succeeded")]
    [InlineData(nameof(PaymentStatus.Refunding), "payment_intent.succeeded")]
    [InlineData(nameof(PaymentStatus.Refunded), "payment_intent.succeeded")]
    [InlineData(nameof(PaymentStatus.RequiresAction), "charge.refunded")]
    public void A_webhook_for_a_settled_payment_or_of_another_type_has_no_effect(string status, string type)
    {
        var payment = In(Enum.Parse<PaymentStatus>(status));

        var decision = payment.WebhookReceived(type, "pi_1", Now);

        decision.Payment.ShouldBe(payment);
        decision.Event.ShouldBeNull();
    }

    [Fact]
    public void A_refund_request_makes_a_succeeded_payment_due_for_a_refund()
    {
        var payment = In(PaymentStatus.Succeeded) with { Attempts = 3 };

        var decision = payment.RefundRequested(Now);

        decision.Payment.Status.ShouldBe(PaymentStatus.Refunding);
        decision.Payment.Attempts.ShouldBe(0);
        decision.Payment.IsDue(Now).ShouldBeTrue();
        decision.Event.ShouldBeNull();
    }

    [Theory]
    [InlineData(nameof(PaymentStatus.Processing))]
    [InlineData(nameof(PaymentStatus.RequiresAction))]
    [InlineData(nameof(PaymentStatus.Failed))]
    [InlineData(nameof(PaymentStatus.Refunding))]
    [InlineData(nameof(PaymentStatus.Refunded))]
    public void A_refund_request_for_anything_but_a_succeeded_payment_is_ignored(string status)
    {
        var payment = In(Enum.Parse<PaymentStatus>(status));

        payment.RefundRequested(Now).Payment.ShouldBe(payment);
    }

    [Fact]
    public void A_refund_the_gateway_made_refunds_the_payment()
    {
        var payment = In(PaymentStatus.Refunding);

        var decision = payment.RefundAnswered(new RefundResult.Refunded("re_1", 5000, "EUR"), Now, MaxDelay);

        decision.Payment.Status.ShouldBe(PaymentStatus.Refunded);
        decision.Event.ShouldBe(new PaymentRefunded(payment.Id, payment.ReservationId, payment.UserId, 5000, "EUR"));
    }

    [Fact]
    public void A_refund_with_no_known_outcome_is_asked_again_later()
    {
        var payment = In(PaymentStatus.Refunding) with { Attempts = 2 };

        var decision = payment.RefundAnswered(new RefundResult.Unknown("HTTP 503"), Now, MaxDelay);

        decision.Payment.Status.ShouldBe(PaymentStatus.Refunding);
        decision.Payment.NextAttemptAt.ShouldBe(Now + TimeSpan.FromSeconds(2));
        decision.Event.ShouldBeNull();
    }

    [Fact]
    public void A_refund_the_gateway_refuses_waits_for_an_operator_with_the_reason()
    {
        var payment = In(PaymentStatus.Refunding);

        var decision = payment.RefundAnswered(new RefundResult.Rejected("already refunded"), Now, MaxDelay);

        decision.Payment.Status.ShouldBe(PaymentStatus.Refunding);
        decision.Payment.FailureReason.ShouldBe("already refunded");
        decision.Payment.IsDue(Now.AddDays(1)).ShouldBeFalse();
        decision.Event.ShouldBeNull();
    }
}
