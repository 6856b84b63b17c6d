using System.Net.Http.Json;
using System.Text.Json;
using BoxOffice.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BoxOffice.PaymentGateway.Tests.Support;

/// <summary>The real gateway on Kestrel (a free loopback port) with its SQLite file in a folder of its own.</summary>
internal sealed class GatewayHost : IAsyncDisposable
{
    public const string Secret = "whsec_test_secret_for_the_gateway";

    private readonly WebApplication _app;
    private readonly TempDirectory _directory;

    private GatewayHost(WebApplication app, TempDirectory directory)
    {
        _app = app;
        _directory = directory;
        BaseAddress = new Uri(app.Urls.First());
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    /// <summary>The content root; the database is in its <c>data</c> folder (the default, relative).</summary>
    public string ContentRoot => _directory.Path;

    public IServiceProvider Services => _app.Services;

    public static async Task<GatewayHost> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var directory = new TempDirectory("gateway");
        var configuration = new Dictionary<string, string?>
        {
            ["PaymentGateway:LatencyMedianMs"] = "0",
            ["PaymentGateway:WebhookSecret"] = Secret,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var app = PaymentGatewayApp.Build(["--urls", "http://127.0.0.1:0", "--contentRoot", directory.Path], builder =>
        {
            builder.Configuration.AddInMemoryCollection(configuration);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new GatewayHost(app, directory);
    }

    public void SendWebhooksTo(Uri url) => Services.GetRequiredService<WebhookTarget>().Url = url;

    public Task<HttpResponseMessage> CreateIntentAsync(string key, string token, long amount = 4_200, string currency = "eur", string reservationId = "res-1") =>
        PostAsync("/v1/payment_intents", key, new { amount, currency, token, metadata = new { reservationId, seats = "A1,A2" } });

    public Task<HttpResponseMessage> RefundAsync(string key, string paymentIntent, long? amount = null) =>
        PostAsync("/v1/refunds", key, new { paymentIntent, amount });

    /// <summary>Creates an intent that needs the 3-D Secure challenge (7,500 on reservation res-3ds unless told).</summary>
    public async Task<(JsonElement Intent, Uri Challenge)> RequireActionAsync(string reservationId = "res-3ds")
    {
        using var response = await CreateIntentAsync("key-" + reservationId, "tok_threeDSecureRequired", amount: 7_500, reservationId: reservationId);
        var intent = await response.JsonAsync();
        return (intent, new Uri(intent.Str("challengeUrl")));
    }

    /// <summary>Posts the challenge form as a browser would, e.g. <c>code=123456</c> or <c>action=cancel</c>.</summary>
    public Task<HttpResponseMessage> AnswerChallengeAsync(Uri challenge, string field, string value) =>
        Client.PostAsync(challenge, new FormUrlEncodedContent([new(field, value)]), TestContext.Current.CancellationToken);

    public async Task<HttpResponseMessage> PostAsync(string path, string? key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return await Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }

    public async Task<List<JsonElement>> LedgerAsync(string? reservationId = null) =>
        (await GetJsonAsync(reservationId is null ? "/v1/ledger" : $"/v1/ledger?reservationId={Uri.EscapeDataString(reservationId)}")).EnumerateArray().ToList();

    /// <summary>
    /// Pays a second intent's challenge and returns that intent's id: its webhook is written after every
    /// earlier one, and the sender sends them in that order, so it is the marker to read up to.
    /// </summary>
    public async Task<string> LaterSucceededIntentAsync()
    {
        var (intent, challenge) = await RequireActionAsync("res-later");
        using var answer = await AnswerChallengeAsync(challenge, "code", "123456");
        answer.EnsureSuccessStatusCode();
        return intent.Str("id");
    }

    /// <summary>The gateway's webhook outbox, in the order written: attempts made, whether delivered, the last error.</summary>
    public async Task<List<(int Attempts, bool Delivered, string? LastError)>> OutboxAsync()
    {
        await using var connection = await Services.GetRequiredService<Storage.GatewayDatabase>().OpenReadAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT attempts, delivered_at IS NOT NULL, last_error FROM webhooks ORDER BY seq";
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var rows = new List<(int, bool, string?)>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            rows.Add((reader.GetInt32(0), reader.GetBoolean(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        return rows;
    }

    /// <summary>The outbox once every webhook in it has been delivered (the receiver's answer is recorded just after it is given).</summary>
    public Task<List<(int Attempts, bool Delivered, string? LastError)>> DeliveredOutboxAsync() =>
        Eventually.HoldsAsync(OutboxAsync, o => o.All(w => w.Delivered), "every webhook is recorded delivered");

    public async Task<int> ChargesAsync() => (await LedgerAsync()).Count(e => e.GetProperty("kind").GetString() == "charge");

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _directory.Dispose();
    }
}

internal static class Json
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

    public static string Str(this JsonElement element, string property) => element.GetProperty(property).GetString()!;
}
