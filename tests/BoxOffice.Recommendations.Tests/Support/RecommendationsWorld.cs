using BoxOffice.Contracts;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Operations;
using BoxOffice.Messaging.Storage;
using BoxOffice.ServiceDefaults;
using BoxOffice.Testing;

namespace BoxOffice.Recommendations.Tests.Support;

/// <summary>
/// The Recommendations module on the shared <see cref="ModuleHost"/>, with a "tickets" database
/// standing in for the Tickets service's log, on SQLite files in a folder of the test's own.
/// </summary>
internal sealed class RecommendationsWorld : IAsyncDisposable
{
    private readonly ModuleHost _host;

    private RecommendationsWorld(ModuleHost host) => _host = host;

    public HttpClient Http => _host.Client;

    public Uri BaseUrl => _host.BaseUrl;

    public string DataDirectory => _host.DataDirectory;

    public MessagingAdmin Admin => _host.Admin;

    public static async Task<RecommendationsWorld> StartAsync() =>
        new(await ModuleHost.StartAsync(new ModuleHostOptions
        {
            Module = "recommendations",
            Upstream = ["tickets"],
            Add = (messaging, configuration) => messaging.AddRecommendations(configuration),
            Map = app => app.MapRecommendations(),
        }));

    /// <summary>Stops the host, runs <paramref name="whileStopped"/>, and starts a new one on the same folder.</summary>
    public Task RestartAsync(Action? whileStopped = null) => _host.RestartAsync(whileStopped);

    public ServiceDatabase Database(string name) => _host.Database(name);

    /// <summary>Publishes events to the tickets log, in one transaction, as the Tickets service would.</summary>
    public Task PublishAsync<T>(params T[] events) where T : IEvent<T> => _host.PublishAsync(events);

    /// <summary>Waits until the recommendations consumer has applied everything in the tickets log.</summary>
    public Task CaughtUpAsync() => _host.CaughtUpAsync();

    /// <summary>A token as logging in gives it: sub, name, email, birthdate, role.</summary>
    public string TokenFor(Guid user, DateOnly? birthDate = null) =>
        _host.Token(new TokenHolder(user, $"{user:N}@example.com", "Buyer", birthDate, [Roles.Buyer]));

    /// <summary>GET /api/me/recommendations with the query given, as <paramref name="user"/> (anonymous when null).</summary>
    public Task<HttpResponseMessage> GetAsync(Guid? user, string query = "", DateOnly? birthDate = null) =>
        _host.SendAsync(HttpMethod.Get, "/api/me/recommendations" + query, user is { } id ? TokenFor(id, birthDate ?? new DateOnly(1990, 1, 1)) : null);

    /// <summary>The raw JSON of a user's recommendations (a 200 is required).</summary>
    public async Task<string> RecommendationsJsonAsync(Guid user, string query = "")
    {
        using var response = await GetAsync(user, query);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        ((int)response.StatusCode).ShouldBe(200, body);
        return body;
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
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
