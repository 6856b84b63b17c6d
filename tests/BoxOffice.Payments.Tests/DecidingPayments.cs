using BoxOffice.Contracts.Payments;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Payments.Cancelling;
using BoxOffice.Payments.Charging;
using BoxOffice.Payments.Gateway;
using BoxOffice.Payments.Refunding;
using BoxOffice.Payments.Storage;

namespace BoxOffice.Payments.Tests;

/// <summary>The pure decisions of <see cref="Payment"/> and of the slices that load it: no host, no database, no gateway.</summary>
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

    /// <summary>The one event a decision publishes, as the core receives it; null when it publishes none.</summary>
    private static object? EventOf(PaymentDecision decision) => decision.ToDecision().Events.SingleOrDefault()?.Event;

    [Fact]
    public void A_held_reservation_starts_a_payment_that_is_due_at_once()
    {
        var decision = Payment.Start(Held, "tok_visa", Guid.CreateVersion7(Now), Now);
        var payment = decision.Payment;

        EventOf(decision).ShouldBeNull();
        payment.Status.ShouldBe(PaymentStatus.Processing);
        payment.ReservationId.ShouldBe(Held.ReservationId);
        payment.Amount.ShouldBe(5000);
        payment.Token.ShouldBe("tok_visa");
        payment.Attempts.ShouldBe(0);
        payment.IsDue(Now).ShouldBeTrue();
        decision.ToDecision().Changes.ShouldBe([new PaymentChange.Started(payment)]);
    }

    [Fact]
    public void A_held_reservation_whose_token_cannot_be_opened_fails_at_once_with_the_reason()
    {
        var decision = Payment.Start(Held, null, Guid.CreateVersion7(Now), Now);
        var payment = decision.Payment;

        payment.Status.ShouldBe(PaymentStatus.Failed);
        payment.FailureReason.ShouldBe(Payment.TokenUnreadable);
        payment.IsDue(Now).ShouldBeFalse();
        decision.ToDecision().Changes.ShouldBe([new PaymentChange.Started(payment)]);
        var failed = decision.ToDecision().Events.ShouldHaveSingleItem();
        failed.WireName.ShouldBe(PaymentFailed.WireName);
        failed.Event.ShouldBe(new PaymentFailed(payment.Id, Held.ReservationId, Held.UserId, Payment.TokenUnreadable));
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
        EventOf(decision).ShouldBe(new PaymentSucceeded(payment.Id, payment.ReservationId, payment.UserId, 5000, "EUR"));
    }

    [Fact]
    public void A_declined_charge_fails_the_payment_with_the_decline_reason()
    {
        var payment = Processing();

        var decision = payment.Charged(new ChargeResult.Declined("pi_1", "card_declined"), Now, MaxDelay);

        decision.Payment.Status.ShouldBe(PaymentStatus.Failed);
        decision.Payment.FailureReason.ShouldBe("card_declined");
        EventOf(decision).ShouldBe(new PaymentFailed(payment.Id, payment.ReservationId, payment.UserId, "card_declined"));
    }

    [Fact]
    public void A_charge_refused_as_an_invalid_request_fails_the_payment_with_the_message()
    {
        var payment = Processing();

        var decision = payment.Charged(new ChargeResult.Rejected("No such token: 'tok_nope'"), Now, MaxDelay);

        decision.Payment.Status.ShouldBe(PaymentStatus.Failed);
        EventOf(decision).ShouldBe(new PaymentFailed(payment.Id, payment.ReservationId, payment.UserId, "No such token: 'tok_nope'"));
    }

    [Fact]
    public void A_challenge_puts_the_payment_on_hold_for_the_buyer()
    {
        var payment = Processing();

        var decision = payment.Charged(new ChargeResult.ActionRequired("pi_1", Challenge), Now, MaxDelay);

        decision.Payment.Status.ShouldBe(PaymentStatus.RequiresAction);
        decision.Payment.ChallengeUrl.ShouldBe(Challenge);
        decision.Payment.IsDue(Now.AddDays(1)).ShouldBeFalse();
        EventOf(decision).ShouldBe(new PaymentRequiresAction(payment.Id, payment.ReservationId, payment.UserId, Challenge));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(10_000)]
    public void An_unknown_outcome_never_fails_the_payment_and_is_asked_again_later(int attempts)
    {
        var payment = Processing() with { Attempts = attempts };

        var decision = payment.Charged(new ChargeResult.Unknown("TimeoutRejectedException"), Now, MaxDelay);

        EventOf(decision).ShouldBeNull();
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
        EventOf(decision).ShouldBeNull();
    }

    private static PaymentDecision Applied(WebhookVerdict verdict) => verdict.ShouldBeOfType<WebhookVerdict.Applied>().Decision;

    [Theory]
    [InlineData(nameof(PaymentStatus.RequiresAction))]
    [InlineData(nameof(PaymentStatus.Processing))]
    public void A_succeeded_webhook_for_the_charged_intent_succeeds_an_open_payment(string status)
    {
        var payment = In(Enum.Parse<PaymentStatus>(status));

        var decision = Applied(payment.WebhookReceived("payment_intent.succeeded", "pi_1", 5000, "EUR", Now));

        decision.Payment.Status.ShouldBe(PaymentStatus.Succeeded);
        decision.Payment.IntentId.ShouldBe("pi_1");
        EventOf(decision).ShouldBe(new PaymentSucceeded(payment.Id, payment.ReservationId, payment.UserId, 5000, "EUR"));
    }

    [Fact]
    public void The_currency_of_a_webhook_matches_whatever_its_case()
    {
        var payment = In(PaymentStatus.RequiresAction);

        Applied(payment.WebhookReceived("payment_intent.succeeded", "pi_1", 5000, "eur", Now)).Payment.Status.ShouldBe(PaymentStatus.Succeeded);
    }

    [Fact]
    public void A_failed_webhook_fails_the_payment_as_an_authentication_failure()
    {
        var payment = In(PaymentStatus.RequiresAction);

        var decision = Applied(payment.WebhookReceived("payment_intent.payment_failed", "pi_1", 5000, "EUR", Now));

        decision.Payment.Status.ShouldBe(PaymentStatus.Failed);
        EventOf(decision).ShouldBe(new PaymentFailed(payment.Id, payment.ReservationId, payment.UserId, "payment authentication failed"));
    }

    [Theory]
    [InlineData("pi_other", 5000L, "EUR", nameof(WebhookRejection.OtherIntent))]
    [InlineData(null, 5000L, "EUR", nameof(WebhookRejection.OtherIntent))]
    [InlineData("pi_1", 1L, "EUR", nameof(WebhookRejection.OtherAmount))]
    [InlineData("pi_1", null, "EUR", nameof(WebhookRejection.OtherAmount))]
    [InlineData("pi_1", 5000L, "USD", nameof(WebhookRejection.OtherCurrency))]
    [InlineData("pi_1", 5000L, null, nameof(WebhookRejection.OtherCurrency))]
    public void A_webhook_that_does_not_match_the_payment_is_rejected_and_changes_nothing(string? intentId, long? amount, string? currency, string rejection)
    {
        var reason = Enum.Parse<WebhookRejection>(rejection);
        foreach (var type in new[] { "payment_intent.succeeded", "payment_intent.payment_failed" })
        {
            var payment = In(PaymentStatus.RequiresAction);

            payment.WebhookReceived(type, intentId, amount, currency, Now).ShouldBe(new WebhookVerdict.Rejected(reason));
        }
    }

    [Theory]
    [InlineData(nameof(PaymentStatus.RequiresAction))]
    [InlineData(nameof(PaymentStatus.Processing))]
    public void A_payment_with_no_intent_from_the_charge_accepts_no_webhook(string status)
    {
        var payment = In(Enum.Parse<PaymentStatus>(status)) with { IntentId = null };

        payment.WebhookReceived("payment_intent.succeeded", "pi_9", 5000, "EUR", Now)
            .ShouldBe(new WebhookVerdict.Rejected(WebhookRejection.NoIntent));
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

        var decision = Applied(payment.WebhookReceived(type, "pi_1", 5000, "EUR", Now));

        decision.Payment.ShouldBe(payment);
        EventOf(decision).ShouldBeNull();
    }

    [Fact]
    public void A_refund_request_makes_a_succeeded_payment_due_for_a_refund()
    {
        var payment = In(PaymentStatus.Succeeded) with { Attempts = 3 };

        var decision = payment.RefundRequested(Now);

        decision.Payment.Status.ShouldBe(PaymentStatus.Refunding);
        decision.Payment.Attempts.ShouldBe(0);
        decision.Payment.IsDue(Now).ShouldBeTrue();
        EventOf(decision).ShouldBeNull();
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
        EventOf(decision).ShouldBe(new PaymentRefunded(payment.Id, payment.ReservationId, payment.UserId, 5000, "EUR"));
    }

    [Fact]
    public void A_refund_with_no_known_outcome_is_asked_again_later()
    {
        var payment = In(PaymentStatus.Refunding) with { Attempts = 2 };

        var decision = payment.RefundAnswered(new RefundResult.Unknown("HTTP 503"), Now, MaxDelay);

        decision.Payment.Status.ShouldBe(PaymentStatus.Refunding);
        decision.Payment.NextAttemptAt.ShouldBe(Now + TimeSpan.FromSeconds(2));
        EventOf(decision).ShouldBeNull();
    }

    [Fact]
    public void A_refund_the_gateway_refuses_waits_for_an_operator_with_the_reason()
    {
        var payment = In(PaymentStatus.Refunding);

        var decision = payment.RefundAnswered(new RefundResult.Rejected("already refunded"), Now, MaxDelay);

        decision.Payment.Status.ShouldBe(PaymentStatus.Refunding);
        decision.Payment.FailureReason.ShouldBe("already refunded");
        decision.Payment.IsDue(Now.AddDays(1)).ShouldBeFalse();
        EventOf(decision).ShouldBeNull();
    }

    [Theory]
    [InlineData(nameof(ReleaseReason.Expired))]
    [InlineData(nameof(ReleaseReason.Cancelled))]
    public void A_hold_ending_while_the_challenge_is_awaited_makes_cancelling_the_intent_due(string reason)
    {
        var payment = In(PaymentStatus.RequiresAction);

        var decision = payment.TicketsReleased(Enum.Parse<ReleaseReason>(reason), Now);

        decision.Payment.Status.ShouldBe(PaymentStatus.Cancelling);
        decision.Payment.IntentId.ShouldBe("pi_1");
        decision.Payment.Attempts.ShouldBe(0);
        decision.Payment.IsDue(Now).ShouldBeTrue();
        EventOf(decision).ShouldBeNull();
    }

    [Theory]
    [InlineData(nameof(PaymentStatus.RequiresAction), nameof(ReleaseReason.PaymentFailed))]
    [InlineData(nameof(PaymentStatus.Processing), nameof(ReleaseReason.Expired))]
    [InlineData(nameof(PaymentStatus.Succeeded), nameof(ReleaseReason.Expired))]
    [InlineData(nameof(PaymentStatus.Failed), nameof(ReleaseReason.Cancelled))]
    [InlineData(nameof(PaymentStatus.Cancelling), nameof(ReleaseReason.Expired))]
    [InlineData(nameof(PaymentStatus.Cancelled), nameof(ReleaseReason.Expired))]
    public void A_release_of_a_payment_not_awaiting_its_challenge_or_for_a_failed_payment_is_ignored(string status, string reason)
    {
        var payment = In(Enum.Parse<PaymentStatus>(status));

        payment.TicketsReleased(Enum.Parse<ReleaseReason>(reason), Now).ShouldBe(PaymentDecision.Unchanged(payment));
    }

    [Fact]
    public void The_gateway_cancelling_the_intent_cancels_the_payment_without_an_event()
    {
        var payment = In(PaymentStatus.RequiresAction).TicketsReleased(ReleaseReason.Expired, Now).Payment.AttemptStarted(Now, MaxDelay);

        var decision = payment.CancelAnswered(new CancelResult.Canceled(), Now, MaxDelay);

        decision.Payment.Status.ShouldBe(PaymentStatus.Cancelled);
        decision.Payment.NextAttemptAt.ShouldBeNull();
        EventOf(decision).ShouldBeNull();
    }

    [Fact]
    public void A_cancel_with_no_known_outcome_is_asked_again_later()
    {
        var payment = In(PaymentStatus.RequiresAction).TicketsReleased(ReleaseReason.Expired, Now).Payment.AttemptStarted(Now, MaxDelay);

        var decision = payment.CancelAnswered(new CancelResult.Unknown("HTTP 503"), Now, MaxDelay);

        decision.Payment.Status.ShouldBe(PaymentStatus.Cancelling);
        decision.Payment.NextAttemptAt.ShouldBe(Now + TimeSpan.FromSeconds(1));
        EventOf(decision).ShouldBeNull();
    }

    [Fact]
    public void An_intent_the_buyer_paid_before_the_cancel_waits_for_its_webhook_and_then_succeeds()
    {
        var cancelling = In(PaymentStatus.RequiresAction).TicketsReleased(ReleaseReason.Expired, Now).Payment.AttemptStarted(Now, MaxDelay);

        var refused = cancelling.CancelAnswered(new CancelResult.NotCancellable("status of succeeded"), Now, MaxDelay).Payment;
        var decision = Applied(refused.WebhookReceived("payment_intent.succeeded", "pi_1", 5000, "EUR", Now));

        refused.Status.ShouldBe(PaymentStatus.RequiresAction);
        refused.IsDue(Now.AddHours(1)).ShouldBeFalse();
        decision.Payment.Status.ShouldBe(PaymentStatus.Succeeded);
        EventOf(decision).ShouldBe(new PaymentSucceeded(cancelling.Id, cancelling.ReservationId, cancelling.UserId, 5000, "EUR"));
    }

    [Fact]
    public void A_succeeded_webhook_landing_while_the_cancel_is_under_way_wins_and_the_cancel_answer_changes_nothing()
    {
        var cancelling = In(PaymentStatus.RequiresAction).TicketsReleased(ReleaseReason.Cancelled, Now).Payment.AttemptStarted(Now, MaxDelay);

        var succeeded = Applied(cancelling.WebhookReceived("payment_intent.succeeded", "pi_1", 5000, "EUR", Now));
        var late = succeeded.Payment.CancelAnswered(new CancelResult.NotCancellable("status of succeeded"), Now, MaxDelay);

        succeeded.Payment.Status.ShouldBe(PaymentStatus.Succeeded);
        EventOf(succeeded).ShouldBeOfType<PaymentSucceeded>();
        late.ShouldBe(PaymentDecision.Unchanged(succeeded.Payment));
    }

    [Fact]
    public void A_decision_that_changes_the_payment_writes_it_over_the_status_it_was_decided_on_then_publishes_its_event()
    {
        var payment = Processing();

        var decision = payment.Charged(new ChargeResult.Succeeded("pi_1"), Now, MaxDelay).ToDecision();

        decision.Changes.ShouldBe([new PaymentChange.Updated(payment with
        {
            Status = PaymentStatus.Succeeded, IntentId = "pi_1", NextAttemptAt = null, UpdatedAt = Now,
        }, PaymentStatus.Processing)]);
        var succeeded = decision.Events.ShouldHaveSingleItem();
        succeeded.WireName.ShouldBe(PaymentSucceeded.WireName);
        succeeded.Event.ShouldBeOfType<PaymentSucceeded>();
    }

    [Fact]
    public void An_answer_that_changes_only_when_to_ask_again_is_written_without_an_event()
    {
        var payment = Processing() with { Attempts = 3 };

        var decision = payment.Charged(new ChargeResult.Unknown("HTTP 503"), Now, MaxDelay).ToDecision();

        decision.Changes.ShouldHaveSingleItem().ShouldBeOfType<PaymentChange.Updated>().ExpectedStatus.ShouldBe(PaymentStatus.Processing);
        decision.Events.ShouldBeEmpty();
    }

    [Fact]
    public void An_unchanged_payment_writes_and_publishes_nothing() =>
        PaymentDecision.Unchanged(In(PaymentStatus.Succeeded)).ToDecision().IsEmpty.ShouldBeTrue();

    [Fact]
    public void A_repeated_hold_of_a_reservation_that_has_a_payment_decides_nothing()
    {
        var recorded = In(PaymentStatus.RequiresAction);

        var decision = ChargeOnTicketsHeld.Decide(recorded, Held, "tok_visa", Guid.CreateVersion7(Now), Now);

        decision.ShouldBe(PaymentDecision.Unchanged(recorded));
        decision.ToDecision().IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void A_hold_of_a_reservation_without_a_payment_starts_one()
    {
        var paymentId = Guid.CreateVersion7(Now);

        var decision = ChargeOnTicketsHeld.Decide(null, Held, "tok_visa", paymentId, Now);

        decision.ShouldBe(Payment.Start(Held, "tok_visa", paymentId, Now));
        decision.ToDecision().Changes.ShouldHaveSingleItem().ShouldBeOfType<PaymentChange.Started>();
    }

    [Fact]
    public void A_refund_request_or_a_release_for_a_reservation_without_a_payment_decides_nothing()
    {
        var requested = new RefundRequested(Held.ReservationId, Held.UserId, Held.Amount, Held.Currency, "reservation expired");
        var released = new TicketsReleased(Held.ReservationId, Held.UserId, Held.EventId, Held.TicketTypeId, 2, ReleaseReason.Expired, "expired");

        RefundOnRefundRequested.Decide(null, requested, Now).ShouldBeNull();
        CancelOnTicketsReleased.Decide(null, released, Now).ShouldBeNull();
    }

    [Fact]
    public void A_repeated_refund_request_decides_nothing_new()
    {
        var requested = new RefundRequested(Held.ReservationId, Held.UserId, Held.Amount, Held.Currency, "reservation expired");
        var first = RefundOnRefundRequested.Decide(In(PaymentStatus.Succeeded), requested, Now)!;

        var again = RefundOnRefundRequested.Decide(first.Payment, requested, Now.AddSeconds(1))!;

        first.Changed.ShouldBeTrue();
        again.ToDecision().IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void A_repeated_release_decides_nothing_new()
    {
        var released = new TicketsReleased(Held.ReservationId, Held.UserId, Held.EventId, Held.TicketTypeId, 2, ReleaseReason.Expired, "expired");
        var first = CancelOnTicketsReleased.Decide(In(PaymentStatus.RequiresAction), released, Now)!;

        var again = CancelOnTicketsReleased.Decide(first.Payment, released, Now.AddSeconds(1))!;

        first.Payment.Status.ShouldBe(PaymentStatus.Cancelling);
        again.ToDecision().IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void A_redelivered_webhook_decides_nothing_new()
    {
        var first = Applied(In(PaymentStatus.RequiresAction).WebhookReceived("payment_intent.succeeded", "pi_1", 5000, "EUR", Now));

        var again = Applied(first.Payment.WebhookReceived("payment_intent.succeeded", "pi_1", 5000, "EUR", Now.AddSeconds(1)));

        EventOf(first).ShouldBeOfType<PaymentSucceeded>();
        again.ToDecision().IsEmpty.ShouldBeTrue();
    }

    [Theory]
    [InlineData(nameof(PaymentStatus.Processing))]
    [InlineData(nameof(PaymentStatus.Refunding))]
    [InlineData(nameof(PaymentStatus.Cancelling))]
    public void A_due_call_is_recorded_as_an_attempt_before_it_is_made(string status)
    {
        var due = In(Enum.Parse<PaymentStatus>(status)) with { Attempts = 0, NextAttemptAt = Now };

        var decision = due.StartAttempt(due.Status, Now, MaxDelay);

        decision.Payment.ShouldBe(due.AttemptStarted(Now, MaxDelay));
        decision.ToDecision().Changes.ShouldBe([new PaymentChange.Updated(decision.Payment, due.Status)]);
        EventOf(decision).ShouldBeNull();
    }

    [Fact]
    public void No_attempt_is_recorded_for_a_payment_that_moved_on_or_is_not_due_yet()
    {
        var due = In(PaymentStatus.Processing) with { NextAttemptAt = Now };

        due.StartAttempt(PaymentStatus.Processing, Now.AddSeconds(-1), MaxDelay).Changed.ShouldBeFalse();
        (due with { Status = PaymentStatus.Succeeded }).StartAttempt(PaymentStatus.Processing, Now, MaxDelay).Changed.ShouldBeFalse();
        (due with { Status = PaymentStatus.Refunding }).StartAttempt(PaymentStatus.Processing, Now, MaxDelay).Changed.ShouldBeFalse();
    }
}
