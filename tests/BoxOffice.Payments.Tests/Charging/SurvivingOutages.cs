using BoxOffice.Contracts.Payments;
using BoxOffice.Payments.Tests.Support;
using BoxOffice.Testing;

namespace BoxOffice.Payments.Tests.Charging;

public sealed class SurvivingOutages
{
    [Fact]
    public async Task A_payment_stays_processing_while_the_gateway_is_down_and_succeeds_once_it_is_back()
    {
        await using var world = await PaymentsWorld.StartAsync(gateway: new() { ["FailureRate"] = "1" });
        var held = Scenario.Held("tok_visa");

        await world.PublishAsync(held);

        await Eventually.HoldsAsync(() => world.PaymentAsync(held.ReservationId), p => p is { Attempts: >= 3 }, "the charge was attempted three times");
        var down = await world.PaymentAsync(held.ReservationId);
        down!.Status.ShouldBe("Processing");
        (await world.EventsAsync(held.ReservationId)).ShouldBeEmpty();

        await world.RestartGatewayAsync(new() { ["FailureRate"] = "0" });

        await world.OutcomeAsync<PaymentSucceeded>(held);
        (await world.TypesAsync(held)).ShouldBe(["payments.succeeded.v1"]);
        (await world.LedgerAsync(held.ReservationId)).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_payment_due_when_the_service_stopped_is_charged_after_it_restarts()
    {
        await using var world = await PaymentsWorld.StartAsync(gateway: new() { ["FailureRate"] = "1" });
        var held = Scenario.Held("tok_visa");
        await world.PublishAsync(held);
        await Eventually.HoldsAsync(() => world.PaymentAsync(held.ReservationId), p => p is { Attempts: >= 1 }, "the charge was attempted");

        await world.RestartPaymentsAsync();
        await world.RestartGatewayAsync(new() { ["FailureRate"] = "0" });

        await world.OutcomeAsync<PaymentSucceeded>(held);
        (await world.TypesAsync(held)).ShouldBe(["payments.succeeded.v1"]);
        (await world.LedgerAsync(held.ReservationId)).ShouldHaveSingleItem();
    }
}
