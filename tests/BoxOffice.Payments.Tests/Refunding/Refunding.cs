using BoxOffice.Contracts.Payments;
using BoxOffice.Payments.Tests.Support;

namespace BoxOffice.Payments.Tests.Refunding;

public sealed class Refunding
{
    [Fact]
    public async Task A_refund_request_after_success_refunds_the_charge_once()
    {
        await using var world = await PaymentsWorld.StartAsync();
        var held = Scenario.Held("tok_visa");
        await world.PublishAsync(held);
        var succeeded = await world.OutcomeAsync<PaymentSucceeded>(held);

        await world.RefundAsync(held);
        await world.RefundAsync(held);
        var refunded = await world.OutcomeAsync<PaymentRefunded>(held);

        // A later reservation's refund is asked for after both copies: once it is answered, the second
        // copy of the first request has been consumed and any refund it caused has been called.
        var later = Scenario.Held("tok_visa");
        await world.PublishAsync(later);
        await world.OutcomeAsync<PaymentSucceeded>(later);
        await world.RefundAsync(later);
        await world.OutcomeAsync<PaymentRefunded>(later);

        refunded.PaymentId.ShouldBe(succeeded.PaymentId);
        refunded.Amount.ShouldBe(held.Amount);
        refunded.Currency.ShouldBe(held.Currency);
        (await world.PaymentAsync(held.ReservationId))!.Status.ShouldBe("Refunded");
        var ledger = await world.LedgerAsync(held.ReservationId);
        ledger.Select(e => e.Kind).Order().ShouldBe(["charge", "refund"]);
        ledger.Single(e => e.Kind == "refund").Amount.ShouldBe(held.Amount);
        (await world.TypesAsync(held)).ShouldBe(["payments.succeeded.v1", "payments.refunded.v1"]);
    }

    [Fact]
    public async Task A_refund_request_for_a_failed_payment_is_ignored()
    {
        await using var world = await PaymentsWorld.StartAsync();
        var held = Scenario.Held("tok_chargeDeclined");
        await world.PublishAsync(held);
        await world.OutcomeAsync<PaymentFailed>(held);

        await world.RefundAsync(held);
        var later = Scenario.Held("tok_visa");
        await world.PublishAsync(later);
        await world.OutcomeAsync<PaymentSucceeded>(later);

        (await world.PaymentAsync(held.ReservationId))!.Status.ShouldBe("Failed");
        (await world.TypesAsync(held)).ShouldBe(["payments.failed.v1"]);
        (await world.LedgerAsync(held.ReservationId)).ShouldBeEmpty();
    }
}
