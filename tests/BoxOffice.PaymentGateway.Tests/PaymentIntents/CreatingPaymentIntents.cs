using System.Net;
using BoxOffice.PaymentGateway.PaymentIntents;
using BoxOffice.PaymentGateway.Tests.Support;

namespace BoxOffice.PaymentGateway.Tests.PaymentIntents;

public sealed class CreatingPaymentIntents
{
    [Fact]
    public async Task A_visa_token_succeeds_and_records_one_charge()
    {
        await using var gateway = await GatewayHost.StartAsync();

        using var response = await gateway.CreateIntentAsync("key-1", "tok_visa", amount: 4_200, reservationId: "res-42");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var intent = await response.JsonAsync();
        intent.Str("id").ShouldStartWith("pi_");
        intent.Str("status").ShouldBe("succeeded");
        intent.GetProperty("amount").GetInt64().ShouldBe(4_200);
        intent.Str("currency").ShouldBe("eur");
        intent.GetProperty("metadata").Str("reservationId").ShouldBe("res-42");
        intent.TryGetProperty("challengeUrl", out _).ShouldBeFalse();
        var charge = (await gateway.LedgerAsync()).ShouldHaveSingleItem();
        charge.Str("kind").ShouldBe("charge");
        charge.Str("id").ShouldStartWith("ch_");
        charge.Str("paymentIntent").ShouldBe(intent.Str("id"));
        charge.GetProperty("amount").GetInt64().ShouldBe(4_200);
        charge.Str("reservationId").ShouldBe("res-42");
    }

    [Fact]
    public async Task A_declined_card_is_answered_declined_and_charges_nothing()
    {
        await using var gateway = await GatewayHost.StartAsync();

        using var response = await gateway.CreateIntentAsync("key-1", "tok_chargeDeclined");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var intent = await response.JsonAsync();
        intent.Str("status").ShouldBe("declined");
        intent.Str("declineReason").ShouldBe("card_declined");
        (await gateway.LedgerAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_card_needing_3DS_requires_action_with_a_challenge_link_and_charges_nothing_yet()
    {
        await using var gateway = await GatewayHost.StartAsync();

        using var response = await gateway.CreateIntentAsync("key-1", "tok_threeDSecureRequired");

        var intent = await response.JsonAsync();
        intent.Str("status").ShouldBe("requires_action");
        intent.Str("challengeUrl").ShouldBe(new Uri(gateway.BaseAddress, $"/challenge/{intent.Str("id")}").ToString());
        (await gateway.LedgerAsync()).ShouldBeEmpty();
        (await gateway.GetJsonAsync($"/v1/payment_intents/{intent.Str("id")}")).Str("status").ShouldBe("requires_action");
    }

    [Fact]
    public async Task An_unknown_token_is_an_invalid_request()
    {
        await using var gateway = await GatewayHost.StartAsync();

        using var response = await gateway.CreateIntentAsync("key-1", "tok_mastercard");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.JsonAsync()).GetProperty("error").Str("type").ShouldBe("invalid_request_error");
        (await gateway.LedgerAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_request_without_an_idempotency_key_is_refused()
    {
        await using var gateway = await GatewayHost.StartAsync();

        using var response = await gateway.PostAsync("/v1/payment_intents", key: null, new { amount = 100, currency = "eur", token = "tok_visa" });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.JsonAsync()).GetProperty("error").Str("message").ShouldContain("Idempotency-Key");
        (await gateway.LedgerAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task An_unknown_intent_is_not_found()
    {
        await using var gateway = await GatewayHost.StartAsync();

        using var response = await gateway.Client.GetAsync(new Uri("/v1/payment_intents/pi_missing", UriKind.Relative), TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.JsonAsync()).GetProperty("error").Str("type").ShouldBe("invalid_request_error");
    }

    [Theory]
    [InlineData("tok_visa", "succeeded")]
    [InlineData("tok_chargeDeclined", "declined")]
    [InlineData("tok_threeDSecureRequired", "requires_action")]
    public void Each_test_token_decides_its_outcome(string token, string status) =>
        CreatePaymentIntent.Decide(token)!.Value.Status.ShouldBe(status);
}
