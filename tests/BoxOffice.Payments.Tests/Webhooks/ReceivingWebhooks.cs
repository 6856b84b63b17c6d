using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BoxOffice.Contracts.Payments;
using BoxOffice.Payments.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Payments.Tests.Webhooks;

public sealed class ReceivingWebhooks
{
    private const string Secret = PaymentsWorld.WebhookSecret;

    [Fact]
    public async Task A_card_that_needs_a_challenge_succeeds_by_webhook_once_the_buyer_passes_it()
    {
        await using var world = await PaymentsWorld.StartAsync();
        var held = Scenario.Held("tok_threeDSecureRequired");

        await world.PublishAsync(held);

        var action = await world.OutcomeAsync<PaymentRequiresAction>(held);
        action.ChallengeUrl.ToString().ShouldStartWith(world.GatewayUrl.ToString().TrimEnd('/') + "/challenge/");
        (await world.PaymentAsync(held.ReservationId))!.Status.ShouldBe("RequiresAction");
        (await world.LedgerAsync(held.ReservationId)).ShouldBeEmpty();

        using var answer = await world.Http.PostAsync(action.ChallengeUrl,
            new FormUrlEncodedContent([new("code", "123456")]), TestContext.Current.CancellationToken);
        answer.StatusCode.ShouldBe(HttpStatusCode.OK);

        var succeeded = await world.OutcomeAsync<PaymentSucceeded>(held);
        succeeded.Amount.ShouldBe(held.Amount);
        (await world.TypesAsync(held)).ShouldBe(["payments.requires-action.v1", "payments.succeeded.v1"]);
        (await world.LedgerAsync(held.ReservationId)).ShouldHaveSingleItem().Kind.ShouldBe("charge");

        // A later payment's webhook, sent after this one: once it has arrived, this one has come exactly once.
        var later = Scenario.Held("tok_threeDSecureRequired");
        await world.PublishAsync(later);
        var laterAction = await world.OutcomeAsync<PaymentRequiresAction>(later);
        using (var laterAnswer = await world.Http.PostAsync(laterAction.ChallengeUrl,
            new FormUrlEncodedContent([new("code", "123456")]), TestContext.Current.CancellationToken))
        {
            laterAnswer.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        await world.OutcomeAsync<PaymentSucceeded>(later);
        var intentId = (await world.PaymentAsync(held.ReservationId))!.IntentId;
        var laterIntentId = (await world.PaymentAsync(later.ReservationId))!.IntentId;
        world.Webhooks.Select(w => IntentOf(w.Body)).ShouldBe([intentId, laterIntentId]);

        // The gateway's own webhook, delivered again exactly as it came: nothing new happens.
        var (signature, body) = world.Webhooks.First();
        using var replay = await PostWebhookAsync(world, signature, body);
        replay.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await world.TypesAsync(held)).ShouldBe(["payments.requires-action.v1", "payments.succeeded.v1"]);
        (await world.PaymentAsync(held.ReservationId))!.Status.ShouldBe("Succeeded");
    }

    [Fact]
    public async Task A_buyer_who_abandons_the_challenge_fails_the_payment()
    {
        await using var world = await PaymentsWorld.StartAsync();
        var held = Scenario.Held("tok_threeDSecureRequired");
        await world.PublishAsync(held);
        var action = await world.OutcomeAsync<PaymentRequiresAction>(held);

        using var answer = await world.Http.PostAsync(action.ChallengeUrl,
            new FormUrlEncodedContent([new("action", "cancel")]), TestContext.Current.CancellationToken);

        (await world.OutcomeAsync<PaymentFailed>(held)).Reason.ShouldBe("payment authentication failed");
        (await world.LedgerAsync(held.ReservationId)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_webhook_without_a_valid_fresh_signature_is_refused_and_changes_nothing()
    {
        await using var world = await PaymentsWorld.StartAsync();
        var held = Scenario.Held("tok_threeDSecureRequired");
        await world.PublishAsync(held);
        await world.OutcomeAsync<PaymentRequiresAction>(held);
        var intentId = (await world.PaymentAsync(held.ReservationId))!.IntentId!;
        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            id = "evt_forged",
            type = "payment_intent.succeeded",
            data = new { id = intentId, status = "succeeded", amount = held.Amount, currency = held.Currency, metadata = new { reservationId = held.ReservationId } },
        }));
        var now = DateTimeOffset.UtcNow;

        string?[] refused =
        [
            VerifyingSignatures.Signature("whsec_not_the_secret", now, body),
            VerifyingSignatures.Signature(Secret, now.AddMinutes(-6), body),
            VerifyingSignatures.Signature(Secret, now, [.. body, (byte)' ']),
            "t=" + now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            null,
        ];
        foreach (var signature in refused)
        {
            using var response = await PostWebhookAsync(world, signature, body);
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
            problem.GetProperty("type").GetString().ShouldBe("https://boxoffice.local/problems/invalid-signature");
        }

        (await world.PaymentAsync(held.ReservationId))!.Status.ShouldBe("RequiresAction");
        (await world.TypesAsync(held)).ShouldBe(["payments.requires-action.v1"]);

        // The same body signed with the secret is accepted: it was only the signatures.
        using var signed = await PostWebhookAsync(world, VerifyingSignatures.Signature(Secret, now, body), body);
        signed.StatusCode.ShouldBe(HttpStatusCode.OK);
        await world.OutcomeAsync<PaymentSucceeded>(held);
    }

    [Fact]
    public async Task A_correctly_signed_webhook_that_does_not_match_the_payment_changes_nothing_and_is_counted()
    {
        await using var world = await PaymentsWorld.StartAsync();
        using var rejections = new RejectionCounter(world.PaymentsServices.GetRequiredService<IMeterFactory>());
        var held = Scenario.Held("tok_threeDSecureRequired", amount: 4200, currency: "EUR");
        await world.PublishAsync(held);
        var action = await world.OutcomeAsync<PaymentRequiresAction>(held);
        var intentId = (await world.PaymentAsync(held.ReservationId))!.IntentId!;

        (string IntentId, long Amount, string Currency, string Reason)[] mismatches =
        [
            ("pi_someoneElsesIntent", held.Amount, held.Currency, "other-intent"),
            (intentId, 1, held.Currency, "other-amount"),
            (intentId, held.Amount, "USD", "other-currency"),
        ];
        foreach (var (id, amount, currency, _) in mismatches)
        {
            var body = Succeeded(id, amount, currency, held.ReservationId);
            using var response = await PostWebhookAsync(world, VerifyingSignatures.Signature(Secret, DateTimeOffset.UtcNow, body), body);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var payment = (await world.PaymentAsync(held.ReservationId))!;
        payment.Status.ShouldBe("RequiresAction");
        payment.IntentId.ShouldBe(intentId);
        (await world.TypesAsync(held)).ShouldBe(["payments.requires-action.v1"]);
        rejections.Reasons.Order().ShouldBe(mismatches.Select(m => m.Reason).Order());

        // The gateway's own webhook, for the intent, amount and currency charged, still settles it.
        using var answer = await world.Http.PostAsync(action.ChallengeUrl,
            new FormUrlEncodedContent([new("code", "123456")]), TestContext.Current.CancellationToken);
        await world.OutcomeAsync<PaymentSucceeded>(held);
        (await world.PaymentAsync(held.ReservationId))!.IntentId.ShouldBe(intentId);
        rejections.Reasons.Count.ShouldBe(3);
    }

    private static string? IntentOf(byte[] webhook)
    {
        using var json = JsonDocument.Parse(webhook);
        return json.RootElement.GetProperty("data").GetProperty("id").GetString();
    }

    private static byte[] Succeeded(string intentId, long amount, string currency, Guid reservationId) =>
        Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            id = "evt_" + Guid.NewGuid().ToString("N"),
            type = "payment_intent.succeeded",
            data = new { id = intentId, status = "succeeded", amount, currency, metadata = new { reservationId } },
        }));

    /// <summary>Listens to the rejected-webhooks counter of one host's meters (the tests run in parallel).</summary>
    private sealed class RejectionCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<string> _reasons = new();

        public RejectionCounter(IMeterFactory meters)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == meters && instrument.Meter.Name == PaymentsMetrics.MeterName && instrument.Name == PaymentsMetrics.WebhooksRejected)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "reason")
                    {
                        for (var i = 0; i < value; i++)
                        {
                            _reasons.Enqueue((string)tag.Value!);
                        }
                    }
                }
            });
            _listener.Start();
        }

        public List<string> Reasons => [.. _reasons];

        public void Dispose() => _listener.Dispose();
    }

    private static async Task<HttpResponseMessage> PostWebhookAsync(PaymentsWorld world, string? signature, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, world.WebhookUrl) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Gateway-Signature", signature);
        }

        return await world.Http.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
