using System.Net;
using BoxOffice.PaymentGateway.Tests.Support;

namespace BoxOffice.PaymentGateway.Tests.Challenges;

public sealed class AnsweringChallenges
{
    [Fact]
    public async Task The_challenge_page_asks_for_the_code()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var (_, challenge) = await gateway.RequireActionAsync();

        using var page = await gateway.Client.GetAsync(challenge, TestContext.Current.CancellationToken);

        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        html.ShouldContain("<form method=\"post\">");
        html.ShouldContain("name=\"code\"");
        html.ShouldContain("75.00 EUR");
    }

    [Fact]
    public async Task The_right_code_succeeds_the_payment_charges_it_and_sends_a_signed_webhook()
    {
        await using var listener = await WebhookListener.StartAsync();
        await using var gateway = await GatewayHost.StartAsync();
        gateway.SendWebhooksTo(listener.Url);
        var (intent, challenge) = await gateway.RequireActionAsync();

        using var answer = await gateway.AnswerChallengeAsync(challenge, "code", "123456");

        answer.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await gateway.GetJsonAsync($"/v1/payment_intents/{intent.Str("id")}")).Str("status").ShouldBe("succeeded");
        var charge = (await gateway.LedgerAsync()).ShouldHaveSingleItem();
        charge.Str("paymentIntent").ShouldBe(intent.Str("id"));
        charge.GetProperty("amount").GetInt64().ShouldBe(7_500);

        var webhook = await listener.NextAsync();
        WebhookListener.IsSignedWith(webhook, GatewayHost.Secret, out var signedAt).ShouldBeTrue();
        WebhookListener.IsSignedWith(webhook, "whsec_someone_else", out _).ShouldBeFalse();
        signedAt.ShouldBe(DateTimeOffset.UtcNow, tolerance: TimeSpan.FromMinutes(1));
        var body = webhook.Json;
        body.Str("id").ShouldStartWith("evt_");
        body.Str("type").ShouldBe("payment_intent.succeeded");
        var data = body.GetProperty("data");
        data.Str("id").ShouldBe(intent.Str("id"));
        data.Str("status").ShouldBe("succeeded");
        data.GetProperty("amount").GetInt64().ShouldBe(7_500);
        data.Str("currency").ShouldBe("eur");
        data.GetProperty("metadata").Str("reservationId").ShouldBe("res-3ds");

        // Once a later payment's webhook has come, this one has come exactly once and none is left to send.
        (await listener.BeforeWebhookOfAsync(await gateway.LaterSucceededIntentAsync())).ShouldBeEmpty();
        (await gateway.DeliveredOutboxAsync()).ShouldBe([(1, true, null), (1, true, null)]);
        listener.Unread.ShouldBe(0, "nothing came after the later payment's webhook");
    }

    [Fact]
    public async Task A_wrong_code_is_refused_and_changes_nothing()
    {
        await using var listener = await WebhookListener.StartAsync();
        await using var gateway = await GatewayHost.StartAsync();
        gateway.SendWebhooksTo(listener.Url);
        var (intent, challenge) = await gateway.RequireActionAsync();

        using var answer = await gateway.AnswerChallengeAsync(challenge, "code", "000000");

        answer.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain("not right");
        (await gateway.GetJsonAsync($"/v1/payment_intents/{intent.Str("id")}")).Str("status").ShouldBe("requires_action");
        (await gateway.LedgerAsync()).ShouldBeEmpty();

        // A later payment's webhook is the first to come: the refused code sent none.
        (await listener.BeforeWebhookOfAsync(await gateway.LaterSucceededIntentAsync())).ShouldBeEmpty();
        (await gateway.DeliveredOutboxAsync()).ShouldHaveSingleItem();
        listener.Unread.ShouldBe(0, "nothing came after the later payment's webhook");
    }

    [Fact]
    public async Task Cancelling_fails_the_payment_and_sends_a_failed_webhook()
    {
        await using var listener = await WebhookListener.StartAsync();
        // The configured URL is the other way to say where webhooks go.
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["PaymentGateway:WebhookUrl"] = listener.Url.ToString() });
        var (intent, challenge) = await gateway.RequireActionAsync();

        using var answer = await gateway.AnswerChallengeAsync(challenge, "action", "cancel");

        answer.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await gateway.GetJsonAsync($"/v1/payment_intents/{intent.Str("id")}")).Str("status").ShouldBe("failed");
        (await gateway.LedgerAsync()).ShouldBeEmpty();
        var webhook = await listener.NextAsync();
        WebhookListener.IsSignedWith(webhook, GatewayHost.Secret, out _).ShouldBeTrue();
        webhook.Json.Str("type").ShouldBe("payment_intent.payment_failed");
        webhook.Json.GetProperty("data").Str("status").ShouldBe("failed");
    }

    [Fact]
    public async Task A_challenge_already_answered_cannot_be_answered_again()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var (_, challenge) = await gateway.RequireActionAsync();
        using var first = await gateway.AnswerChallengeAsync(challenge, "code", "123456");

        using var again = await gateway.AnswerChallengeAsync(challenge, "code", "123456");
        using var cancel = await gateway.AnswerChallengeAsync(challenge, "action", "cancel");

        again.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        cancel.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await gateway.ChargesAsync()).ShouldBe(1);
    }
}
