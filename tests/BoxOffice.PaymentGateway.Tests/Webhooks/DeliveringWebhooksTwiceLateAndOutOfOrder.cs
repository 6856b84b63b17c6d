using BoxOffice.PaymentGateway.Simulation;
using BoxOffice.PaymentGateway.Tests.Support;
using BoxOffice.Testing;
using Microsoft.Extensions.Options;

namespace BoxOffice.PaymentGateway.Tests.Webhooks;

public sealed class DeliveringWebhooksTwiceLateAndOutOfOrder
{
    [Fact]
    public async Task With_a_duplicate_rate_of_one_every_webhook_arrives_twice_with_the_same_id_and_body()
    {
        await using var listener = await WebhookListener.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["PaymentGateway:WebhookDuplicateRate"] = "1" });
        gateway.SendWebhooksTo(listener.Url);
        var (_, challenge) = await gateway.RequireActionAsync();

        using var answer = await gateway.AnswerChallengeAsync(challenge, "code", "123456");

        var first = await listener.NextAsync();
        var second = await listener.NextAsync();
        second.Json.Str("id").ShouldBe(first.Json.Str("id"));
        second.Body.ShouldBe(first.Body);
        WebhookListener.IsSignedWith(second, GatewayHost.Secret, out _).ShouldBeTrue();

        // Once a later payment's webhook has come, no third copy came before it; the later one arrives twice too,
        // and the count reaches two (it is counted when the receiver's answer is back, just after we read it).
        var later = await gateway.LaterSucceededIntentAsync();
        (await listener.BeforeWebhookOfAsync(later)).ShouldBeEmpty();
        (await listener.NextAsync()).Json.GetProperty("data").GetProperty("id").GetString().ShouldBe(later);
        await Eventually.HoldsAsync(
            async () => (await gateway.GetJsonAsync("/v1/simulation")).GetProperty("injected").GetProperty("webhooksDuplicated").GetInt64(),
            count => count == 2,
            "two duplicates counted");
        listener.Unread.ShouldBe(0, "nothing came after the later payment's second copy");
    }

    [Fact]
    public async Task A_webhook_delivered_after_a_later_one_about_the_same_intent_is_counted_out_of_order()
    {
        await using var listener = await WebhookListener.StartAsync();
        // The first webhook (the buyer abandoning the challenge) is refused once and retried a second later.
        listener.Answers.Enqueue(500);
        await using var gateway = await GatewayHost.StartAsync();
        gateway.SendWebhooksTo(listener.Url);
        var (intent, challenge) = await gateway.RequireActionAsync();

        using var abandoned = await gateway.AnswerChallengeAsync(challenge, "action", "cancel");
        (await listener.NextAsync()).Json.Str("type").ShouldBe("payment_intent.payment_failed");
        using var cancelled = await gateway.PostAsync($"/v1/payment_intents/{intent.Str("id")}/cancel", "cancel-1", new { });

        (await listener.NextAsync()).Json.Str("type").ShouldBe("payment_intent.canceled");
        (await listener.NextAsync()).Json.Str("type").ShouldBe("payment_intent.payment_failed");
        await gateway.DeliveredOutboxAsync(); // a delivery is counted before it is recorded delivered
        (await gateway.GetJsonAsync("/v1/simulation")).GetProperty("injected").GetProperty("webhooksOutOfOrder").GetInt64().ShouldBe(1);
    }

    [Fact]
    public async Task Webhooks_in_order_are_not_counted_out_of_order()
    {
        await using var listener = await WebhookListener.StartAsync();
        await using var gateway = await GatewayHost.StartAsync();
        gateway.SendWebhooksTo(listener.Url);
        var (intent, challenge) = await gateway.RequireActionAsync();

        using var abandoned = await gateway.AnswerChallengeAsync(challenge, "action", "cancel");
        (await listener.NextAsync()).Json.Str("type").ShouldBe("payment_intent.payment_failed");
        using var cancelled = await gateway.PostAsync($"/v1/payment_intents/{intent.Str("id")}/cancel", "cancel-1", new { });

        (await listener.NextAsync()).Json.Str("type").ShouldBe("payment_intent.canceled");
        await gateway.DeliveredOutboxAsync(); // a delivery is counted before it is recorded delivered
        (await gateway.GetJsonAsync("/v1/simulation")).GetProperty("injected").GetProperty("webhooksOutOfOrder").GetInt64().ShouldBe(0);
    }

    [Fact]
    public void Each_webhook_waits_a_random_delay_up_to_the_maximum()
    {
        var conditions = new SimulatedConditions(Options.Create(new GatewayOptions { WebhookDelayMaxMs = 2_000 }));

        var delays = Enumerable.Range(0, 1_000).Select(_ => conditions.NextWebhookDelay().TotalMilliseconds).ToList();

        delays.ShouldAllBe(d => d >= 0 && d <= 2_000);
        delays.Max().ShouldBeGreaterThan(1_500);
        delays.Min().ShouldBeLessThan(500);
        conditions.Counts.WebhooksDelayed.ShouldBe(delays.Count(d => d > 0));
    }

    [Fact]
    public async Task During_an_outage_no_webhook_is_sent_and_those_due_go_out_once_it_is_over()
    {
        await using var listener = await WebhookListener.StartAsync();
        // Refused twice: the third attempt is due 3 s after the first, inside the outage.
        listener.Answers.Enqueue(500);
        listener.Answers.Enqueue(500);
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["PaymentGateway:OutageAfterSeconds"] = "2",
            ["PaymentGateway:OutageSeconds"] = "4",
        });
        gateway.SendWebhooksTo(listener.Url);
        var (_, challenge) = await gateway.RequireActionAsync();
        using var answer = await gateway.AnswerChallengeAsync(challenge, "code", "123456");

        await listener.NextAsync();
        await listener.NextAsync();
        (await listener.NextAsync(TimeSpan.FromSeconds(20))).Json.Str("type").ShouldBe("payment_intent.succeeded");
        var delivered = DateTimeOffset.UtcNow;

        var report = await gateway.GetJsonAsync("/v1/simulation");
        delivered.ShouldBeGreaterThanOrEqualTo(report.GetProperty("outageUntil").GetDateTimeOffset());
    }
}
