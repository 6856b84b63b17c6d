using System.Net;
using BoxOffice.PaymentGateway.Tests.Support;

namespace BoxOffice.PaymentGateway.Tests.PaymentIntents;

public sealed class CancellingPaymentIntents
{
    private static Task<HttpResponseMessage> CancelAsync(GatewayHost gateway, string intentId, string? key) =>
        gateway.PostAsync($"/v1/payment_intents/{intentId}/cancel", key, new { });

    [Fact]
    public async Task An_intent_awaiting_its_challenge_is_cancelled_and_its_challenge_page_then_charges_nothing()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var (intent, challenge) = await gateway.RequireActionAsync();

        using var cancelled = await CancelAsync(gateway, intent.Str("id"), "cancel-1");

        cancelled.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await cancelled.JsonAsync();
        body.Str("id").ShouldBe(intent.Str("id"));
        body.Str("status").ShouldBe("canceled");
        body.TryGetProperty("challengeUrl", out _).ShouldBeFalse();
        (await gateway.GetJsonAsync($"/v1/payment_intents/{intent.Str("id")}")).Str("status").ShouldBe("canceled");

        using var page = await gateway.Client.GetAsync(challenge, TestContext.Current.CancellationToken);
        (await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain("Payment cancelled");
        using var answer = await gateway.AnswerChallengeAsync(challenge, "code", "123456");
        answer.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain("Payment cancelled");

        (await gateway.GetJsonAsync($"/v1/payment_intents/{intent.Str("id")}")).Str("status").ShouldBe("canceled");
        (await gateway.LedgerAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Cancelling_twice_returns_the_canceled_intent()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var (intent, _) = await gateway.RequireActionAsync();
        using var first = await CancelAsync(gateway, intent.Str("id"), "cancel-1");

        using var sameKey = await CancelAsync(gateway, intent.Str("id"), "cancel-1");
        using var otherKey = await CancelAsync(gateway, intent.Str("id"), "cancel-2");

        sameKey.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await sameKey.JsonAsync()).Str("status").ShouldBe("canceled");
        otherKey.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await otherKey.JsonAsync()).Str("status").ShouldBe("canceled");
    }

    [Fact]
    public async Task An_intent_whose_customer_failed_the_challenge_can_be_cancelled()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var (intent, challenge) = await gateway.RequireActionAsync();
        using var abandoned = await gateway.AnswerChallengeAsync(challenge, "action", "cancel");

        using var cancelled = await CancelAsync(gateway, intent.Str("id"), "cancel-1");

        cancelled.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await cancelled.JsonAsync()).Str("status").ShouldBe("canceled");
    }

    [Fact]
    public async Task A_succeeded_intent_cannot_be_cancelled_and_stays_charged()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var (challenged, challenge) = await gateway.RequireActionAsync();
        using var paid = await gateway.AnswerChallengeAsync(challenge, "code", "123456");
        using var charged = await gateway.CreateIntentAsync("key-visa", "tok_visa", reservationId: "res-visa");
        var direct = await charged.JsonAsync();

        foreach (var id in new[] { challenged.Str("id"), direct.Str("id") })
        {
            using var refused = await CancelAsync(gateway, id, "cancel-" + id);

            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            var error = (await refused.JsonAsync()).GetProperty("error");
            error.Str("type").ShouldBe("invalid_request_error");
            error.Str("code").ShouldBe("payment_intent_unexpected_state");
            (await gateway.GetJsonAsync($"/v1/payment_intents/{id}")).Str("status").ShouldBe("succeeded");
        }

        (await gateway.ChargesAsync()).ShouldBe(2);
    }

    [Fact]
    public async Task Cancelling_needs_an_idempotency_key_and_a_known_intent()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var (intent, _) = await gateway.RequireActionAsync();

        using var noKey = await CancelAsync(gateway, intent.Str("id"), key: null);
        using var unknown = await CancelAsync(gateway, "pi_nope", "cancel-1");

        noKey.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await unknown.JsonAsync()).GetProperty("error").Str("type").ShouldBe("invalid_request_error");
        (await gateway.GetJsonAsync($"/v1/payment_intents/{intent.Str("id")}")).Str("status").ShouldBe("requires_action");
    }
}
