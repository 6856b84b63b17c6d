using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BoxOffice.Payments.Webhooks;

namespace BoxOffice.Host.Tests.Support;

/// <summary>Webhooks as someone other than the gateway would post them to the host.</summary>
public static class Webhooks
{
    /// <summary>The webhook secret every BoxOffice used to ship with: public, so anyone could sign with it.</summary>
    public const string OldPublicSecret = "whsec_boxoffice_demo";

    /// <summary>The intent id of a reservation waiting on its challenge (the last segment of its challenge URL).</summary>
    public static string IntentId(JsonNode waiting) => new Uri(waiting["challengeUrl"]!.GetValue<string>()).Segments[^1];

    /// <summary>A <c>payment_intent.succeeded</c> body for a reservation, as the gateway would write it.</summary>
    public static byte[] Succeeded(Guid reservationId, string intentId, long amount, string currency) =>
        Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            id = "evt_" + Guid.NewGuid().ToString("N"),
            type = "payment_intent.succeeded",
            data = new { id = intentId, status = "succeeded", amount, currency, metadata = new { reservationId } },
        }));

    /// <summary>Posts <paramref name="body"/> to the host's webhook endpoint, signed now with <paramref name="secret"/>.</summary>
    public static async Task<HttpResponseMessage> PostSignedAsync(this TestApp app, string secret, byte[] body)
    {
        using var client = app.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments/webhook") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("Gateway-Signature", WebhookSignature.Sign(secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), body));
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
