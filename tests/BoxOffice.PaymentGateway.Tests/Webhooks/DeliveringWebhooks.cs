using BoxOffice.PaymentGateway.Tests.Support;
using BoxOffice.PaymentGateway.Webhooks;
using BoxOffice.Testing;

namespace BoxOffice.PaymentGateway.Tests.Webhooks;

public sealed class DeliveringWebhooks
{
    [Fact]
    public async Task A_webhook_is_retried_until_the_receiver_accepts_it()
    {
        await using var listener = await WebhookListener.StartAsync();
        listener.Answers.Enqueue(500);
        await using var gateway = await GatewayHost.StartAsync();
        gateway.SendWebhooksTo(listener.Url);
        var (_, challenge) = await gateway.RequireActionAsync();

        using var answer = await gateway.AnswerChallengeAsync(challenge, "code", "123456");

        var refused = await listener.NextAsync();
        var accepted = await listener.NextAsync();
        accepted.Json.Str("id").ShouldBe(refused.Json.Str("id"));
        accepted.Body.ShouldBe(refused.Body);

        // Once a later payment's webhook has come, none came again, and none is left to send: refused once, then delivered.
        (await listener.BeforeWebhookOfAsync(await gateway.LaterSucceededIntentAsync())).ShouldBeEmpty();
        (await gateway.DeliveredOutboxAsync()).ShouldBe([(2, true, null), (1, true, null)]);
        listener.Unread.ShouldBe(0, "nothing came after the later payment's webhook");
    }

    [Fact]
    public async Task A_webhook_waits_for_a_target_to_be_set()
    {
        await using var listener = await WebhookListener.StartAsync();
        await using var gateway = await GatewayHost.StartAsync();
        var (_, challenge) = await gateway.RequireActionAsync();
        using var answer = await gateway.AnswerChallengeAsync(challenge, "code", "123456");
        var unsent = await Eventually.HoldsAsync(gateway.OutboxAsync, o => o.Count == 1 && o[0].Attempts >= 1, "the sender has tried without a target");
        unsent[0].Delivered.ShouldBeFalse();
        unsent[0].LastError.ShouldNotBeNull().ShouldStartWith("no webhook target is set");

        gateway.SendWebhooksTo(listener.Url);

        (await listener.NextAsync()).Json.Str("type").ShouldBe("payment_intent.succeeded");
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(6, 32)]
    [InlineData(7, 60)]
    [InlineData(19, 60)]
    public void Retries_back_off_exponentially_up_to_a_minute(int attempts, int seconds) =>
        WebhookSender.BackoffAfter(attempts).ShouldBe(TimeSpan.FromSeconds(seconds));
}
