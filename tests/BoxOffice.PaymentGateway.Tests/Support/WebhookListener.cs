using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BoxOffice.PaymentGateway.Tests.Support;

internal sealed record ReceivedWebhook(string Body, string Signature)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}

/// <summary>A merchant's webhook endpoint: a second small web app that records what it receives.</summary>
internal sealed class WebhookListener : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<ReceivedWebhook> _received = Channel.CreateUnbounded<ReceivedWebhook>();

    private WebhookListener(WebApplication app) => _app = app;

    public Uri Url => new(new Uri(_app.Urls.First()), "/webhooks");

    /// <summary>Status codes to answer with, in order; 200 once they run out.</summary>
    public Queue<int> Answers { get; } = new();

    public static async Task<WebhookListener> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var listener = new WebhookListener(builder.Build());
        listener._app.MapPost("/webhooks", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            await listener._received.Writer.WriteAsync(new ReceivedWebhook(body, request.Headers["Gateway-Signature"].ToString()));
            lock (listener.Answers)
            {
                return Results.StatusCode(listener.Answers.TryDequeue(out var status) ? status : 200);
            }
        });
        await listener._app.StartAsync(TestContext.Current.CancellationToken);
        return listener;
    }

    public async Task<ReceivedWebhook> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout ?? TimeSpan.FromSeconds(10));
        return await _received.Reader.ReadAsync(cts.Token);
    }

    /// <summary>How many have arrived and not been read yet.</summary>
    public int Unread => _received.Reader.Count;

    /// <summary>What arrives before the webhook of <paramref name="intentId"/> (a later one, the marker), which is read too.</summary>
    public async Task<List<ReceivedWebhook>> BeforeWebhookOfAsync(string intentId)
    {
        var before = new List<ReceivedWebhook>();
        while (await NextAsync() is var webhook && webhook.Json.GetProperty("data").GetProperty("id").GetString() != intentId)
        {
            before.Add(webhook);
        }

        return before;
    }

    /// <summary>Checks the signature the way a merchant would, independently of the gateway's code.</summary>
    public static bool IsSignedWith(ReceivedWebhook webhook, string secret, out DateTimeOffset signedAt)
    {
        signedAt = default;
        var parts = webhook.Signature.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("t", out var t) || !parts.TryGetValue("v1", out var v1) || !long.TryParse(t, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }

        signedAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(secret));
        var expected = Convert.ToHexString(hmac.ComputeHash(Encoding.UTF8.GetBytes($"{t}.{webhook.Body}"))).ToLowerInvariant();
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(v1));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
