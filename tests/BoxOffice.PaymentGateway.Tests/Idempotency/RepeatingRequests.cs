using System.Net;
using BoxOffice.PaymentGateway.Tests.Support;

namespace BoxOffice.PaymentGateway.Tests.Idempotency;

public sealed class RepeatingRequests
{
    [Fact]
    public async Task A_repeated_request_with_the_same_key_returns_the_first_response()
    {
        await using var gateway = await GatewayHost.StartAsync();

        using var first = await gateway.CreateIntentAsync("key-1", "tok_visa");
        using var second = await gateway.CreateIntentAsync("key-1", "tok_visa");

        second.StatusCode.ShouldBe(first.StatusCode);
        (await second.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken))
            .ShouldBe(await first.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        (await gateway.ChargesAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task A_repeat_returns_the_first_response_even_after_the_intent_has_changed()
    {
        await using var gateway = await GatewayHost.StartAsync();
        using var first = await gateway.CreateIntentAsync("key-1", "tok_threeDSecureRequired");
        var firstBody = await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var intent = await first.JsonAsync();
        using var answer = await gateway.AnswerChallengeAsync(new Uri(intent.Str("challengeUrl")), "code", "123456");
        answer.StatusCode.ShouldBe(HttpStatusCode.OK);

        using var repeat = await gateway.CreateIntentAsync("key-1", "tok_threeDSecureRequired");

        (await repeat.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldBe(firstBody);
        (await gateway.GetJsonAsync($"/v1/payment_intents/{intent.Str("id")}")).Str("status").ShouldBe("succeeded");
    }

    [Fact]
    public async Task The_same_key_with_other_parameters_is_an_idempotency_error()
    {
        await using var gateway = await GatewayHost.StartAsync();
        using var first = await gateway.CreateIntentAsync("key-1", "tok_visa", amount: 4_200);

        using var otherAmount = await gateway.CreateIntentAsync("key-1", "tok_visa", amount: 9_900);
        using var otherMetadata = await gateway.CreateIntentAsync("key-1", "tok_visa", amount: 4_200, reservationId: "res-2");

        foreach (var response in new[] { otherAmount, otherMetadata })
        {
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await response.JsonAsync()).GetProperty("error").Str("type").ShouldBe("idempotency_error");
        }

        (await gateway.ChargesAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task Metadata_in_another_key_order_is_the_same_request()
    {
        await using var gateway = await GatewayHost.StartAsync();
        using var first = await gateway.PostAsync("/v1/payment_intents", "key-1",
            new { amount = 100, currency = "eur", token = "tok_visa", metadata = new { reservationId = "r", seats = "A1" } });

        using var reordered = await gateway.PostAsync("/v1/payment_intents", "key-1",
            new { token = "tok_visa", metadata = new { seats = "A1", reservationId = "r" }, currency = "eur", amount = 100 });

        reordered.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await reordered.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))
            .ShouldBe(await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Concurrent_requests_with_one_key_charge_once()
    {
        await using var gateway = await GatewayHost.StartAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => gateway.CreateIntentAsync("key-1", "tok_visa")));

        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)));
        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);
        bodies.Distinct().ShouldHaveSingleItem();
        (await gateway.ChargesAsync()).ShouldBe(1);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task A_refused_request_is_not_remembered_so_the_key_can_be_used_once_it_is_fixed()
    {
        await using var gateway = await GatewayHost.StartAsync();
        using var refused = await gateway.CreateIntentAsync("key-1", "tok_unknown");

        using var fixedRequest = await gateway.CreateIntentAsync("key-1", "tok_visa");

        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        fixedRequest.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await gateway.ChargesAsync()).ShouldBe(1);
    }
}
