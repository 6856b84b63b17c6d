using System.Net.Http.Headers;
using BoxOffice.Contracts;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Hosting;
using BoxOffice.Messaging.Operations;
using BoxOffice.Messaging.Storage;
using BoxOffice.ServiceDefaults;
using BoxOffice.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BoxOffice.Recommendations.Tests.Support;

/// <summary>
/// A host wired like production (messaging with a "tickets" database standing in for the Tickets
/// service's log, the Recommendations module, bearer authentication) on real Kestrel at
/// 127.0.0.1:0, with its SQLite files in a folder of the test's own.
/// </summary>
internal sealed class RecommendationsWorld : IAsyncDisposable
{
    // A fixed key, so tokens signed before a restart still validate after it.
    private static readonly string SigningKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private readonly TempDirectory _dir = new("recommendations");
    private WebApplication? _app;

    private RecommendationsWorld()
    {
    }

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public Uri BaseUrl { get; private set; } = null!;

    public string DataDirectory => Path.Combine(_dir.Path, "boxoffice");

    public MessagingAdmin Admin => _app!.Services.GetRequiredService<MessagingAdmin>();

    public static async Task<RecommendationsWorld> StartAsync()
    {
        var world = new RecommendationsWorld();
        await world.StartHostAsync();
        return world;
    }

    /// <summary>Stops the host, runs <paramref name="whileStopped"/>, and starts a new one on the same folder.</summary>
    public async Task RestartAsync(Action? whileStopped = null)
    {
        await _app!.StopAsync(TestContext.Current.CancellationToken);
        await _app.DisposeAsync();
        _app = null;
        whileStopped?.Invoke();
        await StartHostAsync();
    }

    public ServiceDatabase Database(string name) => _app!.Services.GetRequiredKeyedService<ServiceDatabase>(name);

    /// <summary>Publishes events to the tickets log, in one transaction, as the Tickets service would.</summary>
    public async Task PublishAsync<T>(params T[] events) where T : IEvent<T>
    {
        await using var tx = await Database("tickets").BeginAsync(TestContext.Current.CancellationToken);
        foreach (var e in events)
        {
            tx.Publish(e);
        }

        await tx.CommitAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Waits until the recommendations consumer has applied everything in the tickets log.</summary>
    public Task CaughtUpAsync() =>
        Eventually.HoldsAsync(
            async () => (await Admin.SubscriptionsAsync(TestContext.Current.CancellationToken)).Single(s => s.Consumer == "recommendations"),
            s => s.Lag == 0 && s.Head > 0,
            "the recommendations consumer has caught up");

    /// <summary>A token as Accounts signs it: sub, name, email, birthdate, role; issuer and audience from the signing settings.</summary>
    public string TokenFor(Guid user, DateOnly? birthDate = null) =>
        TestTokens.Buyer(_app!.Services.GetRequiredService<TokenSigning>(), user, "Buyer", $"{user:N}@example.com", birthDate);

    /// <summary>GET /api/me/recommendations with the query given, as <paramref name="user"/> (anonymous when null).</summary>
    public async Task<HttpResponseMessage> GetAsync(Guid? user, string query = "", DateOnly? birthDate = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUrl, "/api/me/recommendations" + query));
        if (user is { } id)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TokenFor(id, birthDate ?? new DateOnly(1990, 1, 1)));
        }

        return await Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>The raw JSON of a user's recommendations (a 200 is required).</summary>
    public async Task<string> RecommendationsJsonAsync(Guid user, string query = "")
    {
        using var response = await GetAsync(user, query);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        ((int)response.StatusCode).ShouldBe(200, body);
        return body;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }

        Http.Dispose();
        _dir.Dispose();
    }

    private async Task StartHostAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["BoxOffice:DataDirectory"] = DataDirectory;
        builder.Configuration["Auth:SigningKey"] = SigningKey;
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        builder.Logging.ClearProviders().AddSimpleConsole();
        builder.Services.AddProblemDetails();
        builder.Services.AddBoxOfficeAuthentication(builder.Configuration);
        builder.Services.AddMessaging(builder.Configuration).AddDatabase("tickets").AddRecommendations(builder.Configuration);
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapRecommendations();
        await app.StartAsync(TestContext.Current.CancellationToken);
        _app = app;
        BaseUrl = new Uri(app.Urls.First());
    }
}

/// <summary>A small market in the tickets log: the demo catalog's kind of events and who bought what.</summary>
internal static class Market
{
    public static EventPublished Published(string name, string category, string city, string[] performers, int inDays, int minimumAge = 0) =>
        new(Catalog.IdOf(name), name, name + " Venue", city, category, performers, DateTimeOffset.UtcNow.AddDays(inDays), minimumAge);

    public static TicketsAcquired Bought(Guid user, EventPublished e, int quantity = 2) =>
        new(Guid.CreateVersion7(), user, e.EventId, Guid.CreateVersion7(), quantity, 4_200L * quantity, "EUR",
            [.. Enumerable.Range(0, quantity).Select(_ => Guid.NewGuid().ToString("N"))]);
}
