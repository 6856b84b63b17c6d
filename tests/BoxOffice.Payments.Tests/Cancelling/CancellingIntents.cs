using System.Net;
using BoxOffice.Contracts.Payments;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Payments.Tests.Support;
using BoxOffice.Testing;

namespace BoxOffice.Payments.Tests.Cancelling;

public sealed class CancellingIntents
{
    [Theory]
    [InlineData(nameof(ReleaseReason.Expired))]
    [InlineData(nameof(ReleaseReason.Cancelled))]
    public async Task A_hold_ending_while_the_challenge_is_awaited_cancels_the_intent_and_the_challenge_then_charges_nothing(string reason)
    {
        await using var world = await PaymentsWorld.StartAsync();
        var held = Scenario.Held("tok_threeDSecureRequired");
        await world.PublishAsync(held);
        var action = await world.OutcomeAsync<PaymentRequiresAction>(held);
        var intentId = (await world.PaymentAsync(held.ReservationId))!.IntentId!;

        await world.ReleaseAsync(held, Enum.Parse<ReleaseReason>(reason));

        await Eventually.HoldsAsync(() => world.PaymentAsync(held.ReservationId), p => p!.Status == "Cancelled", "the payment is cancelled");
        (await world.IntentStatusAsync(intentId)).ShouldBe("canceled");
        using var answer = await world.Http.PostAsync(action.ChallengeUrl,
            new FormUrlEncodedContent([new("code", "123456")]), TestContext.Current.CancellationToken);
        answer.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await world.LedgerAsync(held.ReservationId)).ShouldBeEmpty();
        (await world.TypesAsync(held)).ShouldBe(["payments.requires-action.v1"]);
    }

    [Fact]
    public async Task A_release_for_a_settled_payment_cancels_nothing()
    {
        await using var world = await PaymentsWorld.StartAsync();
        var held = Scenario.Held("tok_visa");
        await world.PublishAsync(held);
        await world.OutcomeAsync<PaymentSucceeded>(held);

        await world.ReleaseAsync(held, ReleaseReason.Expired);
        // A later event on the same log shows the release was consumed before it.
        await world.RefundAsync(held);
        await world.OutcomeAsync<PaymentRefunded>(held);

        (await world.TypesAsync(held)).ShouldBe(["payments.succeeded.v1", "payments.refunded.v1"]);
    }

    [Fact]
    public async Task A_buyer_who_paid_just_before_the_hold_ended_is_charged_once_and_refunded()
    {
        await using var world = await PaymentsWorld.StartAsync();
        var held = Scenario.Held("tok_threeDSecureRequired");
        await world.PublishAsync(held);
        var action = await world.OutcomeAsync<PaymentRequiresAction>(held);
        var intentId = (await world.PaymentAsync(held.ReservationId))!.IntentId!;

        // The buyer pays; the gateway's webhook is delayed, and meanwhile the hold expires.
        world.HoldWebhooks();
        using var answer = await world.Http.PostAsync(action.ChallengeUrl,
            new FormUrlEncodedContent([new("code", "123456")]), TestContext.Current.CancellationToken);
        answer.StatusCode.ShouldBe(HttpStatusCode.OK);
        await world.ReleaseAsync(held, ReleaseReason.Expired);

        // The gateway refuses to cancel a succeeded intent; the payment waits for the webhook.
        var waiting = await Eventually.HoldsAsync(() => world.PaymentAsync(held.ReservationId),
            p => p!.Status == "RequiresAction" && p.FailureReason is not null, "the cancel is refused");
        waiting!.FailureReason!.ShouldContain("succeeded");
        (await world.IntentStatusAsync(intentId)).ShouldBe("succeeded");

        // The webhook arrives: the payment succeeded, Tickets (its hold ended) asks for the money back.
        world.DeliverWebhooks();
        await world.OutcomeAsync<PaymentSucceeded>(held);
        await world.RefundAsync(held);
        await world.OutcomeAsync<PaymentRefunded>(held);

        var ledger = await world.LedgerAsync(held.ReservationId);
        ledger.Select(e => e.Kind).ShouldBe(["charge", "refund"]);
    }
}
