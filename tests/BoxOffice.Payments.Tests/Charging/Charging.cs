using System.Net.Http.Json;
using BoxOffice.Contracts.Payments;
using BoxOffice.Messaging.Operations;
using BoxOffice.Payments.Tests.Support;
using BoxOffice.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Payments.Tests.Charging;

public sealed class Charging
{
    [Fact]
    public async Task A_good_card_is_charged_once_and_the_payment_succeeds()
    {
        await using var world = await PaymentsWorld.StartAsync();
        var held = Scenario.Held("tok_visa");

        await world.PublishAsync(held);

        var succeeded = await world.OutcomeAsync<PaymentSucceeded>(held);
        succeeded.ReservationId.ShouldBe(held.ReservationId);
        succeeded.UserId.ShouldBe(held.UserId);
        succeeded.Amount.ShouldBe(4200);
        succeeded.Currency.ShouldBe("EUR");
        (await world.TypesAsync(held)).ShouldBe(["payments.succeeded.v1"]);
        var ledger = await world.LedgerAsync(held.ReservationId);
        ledger.ShouldHaveSingleItem().Kind.ShouldBe("charge");
        ledger[0].Amount.ShouldBe(4200);
        var payment = await world.PaymentAsync(held.ReservationId);
        payment!.Status.ShouldBe("Succeeded");
        payment.IntentId.ShouldBe(ledger[0].PaymentIntent);
        payment.Attempts.ShouldBe(1);
    }

    [Fact]
    public async Task A_declined_card_fails_the_payment_with_the_gateways_reason_and_charges_nothing()
    {
        await using var world = await PaymentsWorld.StartAsync();
        var held = Scenario.Held("tok_chargeDeclined");

        await world.PublishAsync(held);

        var failed = await world.OutcomeAsync<PaymentFailed>(held);
        failed.ReservationId.ShouldBe(held.ReservationId);
        failed.Reason.ShouldNotBeNullOrWhiteSpace();
        var payment = await world.PaymentAsync(held.ReservationId);
        payment!.Status.ShouldBe("Failed");
        var intent = await world.Http.GetFromJsonAsync<Dictionary<string, object?>>(
            new Uri(world.GatewayUrl, $"/v1/payment_intents/{payment.IntentId}"), TestContext.Current.CancellationToken);
        intent!["declineReason"]!.ToString().ShouldBe(failed.Reason);
        (await world.TypesAsync(held)).ShouldBe(["payments.failed.v1"]);
        (await world.LedgerAsync(held.ReservationId)).ShouldBeEmpty();
    }

    [Fact]
    public async Task An_unknown_token_fails_the_payment_with_the_gateways_message()
    {
        await using var world = await PaymentsWorld.StartAsync();
        var held = Scenario.Held("tok_unheardOf");

        await world.PublishAsync(held);

        (await world.OutcomeAsync<PaymentFailed>(held)).Reason.ShouldNotBeNullOrWhiteSpace();
        (await world.LedgerAsync(held.ReservationId)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("sealed to another key")]
    [InlineData("not sealed")]
    public async Task A_token_Payments_cannot_open_fails_the_payment_with_a_clear_reason_and_charges_nothing(string token)
    {
        await using var world = await PaymentsWorld.StartAsync();
        var sealedToken = token == "not sealed"
            ? "tok_visa"
            : PaymentTokenSeal.Seal("tok_visa", PaymentTokenPublicKey.FromPem(PaymentTokenSeal.NewPrivateKeyPem()));
        var held = Scenario.HeldSealed(sealedToken);

        await world.PublishAsync(held);

        (await world.OutcomeAsync<PaymentFailed>(held)).Reason.ShouldBe(Payment.TokenUnreadable);
        (await world.PaymentAsync(held.ReservationId))!.Status.ShouldBe("Failed");
        (await world.TypesAsync(held)).ShouldBe(["payments.failed.v1"]);
        (await world.LedgerAsync(held.ReservationId)).ShouldBeEmpty();
        (await world.PaymentsServices.GetRequiredService<MessagingAdmin>().DeadLettersAsync("payments", ct: TestContext.Current.CancellationToken)).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_same_held_reservation_twice_is_one_payment_and_one_charge()
    {
        await using var world = await PaymentsWorld.StartAsync();
        var held = Scenario.Held("tok_visa");

        await world.PublishAsync(held);
        await world.PublishAsync(held);
        var other = Scenario.Held("tok_visa");
        await world.PublishAsync(other);

        // The second reservation's outcome is published after both copies of the first were applied.
        await world.OutcomeAsync<PaymentSucceeded>(other);
        await world.OutcomeAsync<PaymentSucceeded>(held);
        (await world.TypesAsync(held)).ShouldBe(["payments.succeeded.v1"]);
        (await world.PaymentAsync(held.ReservationId))!.PaymentsInAll.ShouldBe(2);
        (await world.LedgerAsync(held.ReservationId)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_charge_whose_answer_is_lost_is_retried_with_the_same_key_and_charged_once()
    {
        await using var world = await PaymentsWorld.StartAsync(
            gateway: new() { ["TimeoutOnFirstAttempt"] = "true", ["TimeoutDelayMs"] = "3000" },
            payments: new() { ["AttemptTimeout"] = "00:00:00.300" });
        var held = Scenario.Held("tok_visa");

        await world.PublishAsync(held);

        await world.OutcomeAsync<PaymentSucceeded>(held);
        (await world.TypesAsync(held)).ShouldBe(["payments.succeeded.v1"]);
        (await world.LedgerAsync(held.ReservationId)).ShouldHaveSingleItem().Kind.ShouldBe("charge");
    }

    [Fact]
    public async Task Many_payments_through_few_slots_are_all_charged_never_more_than_the_slots_at_once()
    {
        // Every charge takes 50 ms at the gateway, so calls started together overlap there.
        await using var world = await PaymentsWorld.StartAsync(
            gateway: new() { ["LatencyMedianMs"] = "50", ["LatencyP99Ms"] = "50" },
            payments: new() { ["MaxInFlight"] = "2" });
        var reservations = Enumerable.Range(0, 30).Select(_ => Scenario.Held("tok_visa")).ToList();

        foreach (var held in reservations)
        {
            await world.PublishAsync(held);
        }

        foreach (var held in reservations)
        {
            await world.OutcomeAsync<PaymentSucceeded>(held);
            (await world.LedgerAsync(held.ReservationId)).ShouldHaveSingleItem();
        }

        // Both slots were used (so the count can see a third), and never more.
        world.MostChargesInFlight.ShouldBe(2);
    }
}
