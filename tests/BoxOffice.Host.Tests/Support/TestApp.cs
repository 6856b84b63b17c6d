using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using System.Text.Json.Nodes;
using BoxOffice.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BoxOffice.Host.Tests.Support;

/// <summary>
/// The real embedded host, in this process on a free loopback port, with its own data folder:
/// real SQLite files, the real gateway simulator over HTTP, every consumer running.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    public const string OrganizerEmail = "organizer@boxoffice.local";
    public const string OrganizerPassword = "Organizer-test-1";

    private readonly WebApplication _app;
    private readonly TempDirectory? _folder;

    private TestApp(WebApplication app, string data, Uri address, TempDirectory? folder, LogCollector logs)
    {
        _app = app;
        Logs = logs;
        DataDirectory = data;
        Address = address;
        _folder = folder;
    }

    public string DataDirectory { get; }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// The warnings and errors the host logged; and Information of a category a test opens with
    /// <c>configure: b =&gt; b.Logging.AddFilter(category, LogLevel.Information)</c>.
    /// </summary>
    public LogCollector Logs { get; }

    /// <param name="settings">Configuration over the test defaults.</param>
    /// <param name="time">A clock to inject (a FakeTimeProvider), else the system's.</param>
    /// <param name="dataDirectory">An existing data folder to start on (kept afterwards), else a new one (removed).</param>
    /// <param name="configure">More set-up of the host (say, a spying consumer), after the test defaults.</param>
    /// <param name="environment">The hosting environment (as <c>--environment</c> would set it); Production unless given.</param>
    public static async Task<TestApp> StartAsync(
        IDictionary<string, string?>? settings = null, TimeProvider? time = null, string? dataDirectory = null, Action<WebApplicationBuilder>? configure = null,
        string? environment = null)
    {
        var folder = dataDirectory is null ? new TempDirectory("host") : null;
        var data = dataDirectory ?? folder!.Path;
        var logs = new LogCollector(LogLevel.Information);
        WebApplication app;
        try
        {
            app = await BuildAsync(data, settings, time, configure, environment, logs);
        }
        catch
        {
            folder?.Dispose();
            throw;
        }

        try
        {
            await app.StartAsync(TestContext.Current.CancellationToken);
        }
        catch
        {
            // A host refused at start still owns its gateway simulator and files: let them go.
            await app.DisposeAsync();
            folder?.Dispose();
            throw;
        }

        var started = new TestApp(app, data, new Uri(app.Urls.First()), folder, logs);
        TestHostLifetime.Started(started);
        return started;
    }

    private static Task<WebApplication> BuildAsync(
        string data, IDictionary<string, string?>? settings, TimeProvider? time, Action<WebApplicationBuilder>? configure, string? environment, LogCollector logs) =>
        EmbeddedHost.BuildAsync(environment is null ? [] : ["--environment", environment], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Services.AddSingleton<IHostLifetime, TestHostLifetime>();
            builder.Logging.ClearProviders().AddSimpleConsole().AddProvider(logs).SetMinimumLevel(LogLevel.Warning);
            var defaults = new Dictionary<string, string?>
            {
                ["PaymentGateway:Urls"] = "http://127.0.0.1:0",
                ["PaymentGateway:LatencyMedianMs"] = "0",
                ["PaymentGateway:LatencyP99Ms"] = "0",
                ["Seed:OrganizerPassword"] = OrganizerPassword,
                // Every test calls from 127.0.0.1 and registers its own buyers: the per-address caps
                // are raised here and tested with their defaults in Trusting/LimitingRates.
                ["RateLimits:RegistrationsPerHourPerAddress"] = "100000",
                ["RateLimits:LoginsPerMinutePerAddress"] = "100000",
            };
            builder.Configuration.AddInMemoryCollection(TestStorage.HostConfiguration(data, defaults, settings));
            if (time is not null)
            {
                builder.Services.AddSingleton(time);
            }

            configure?.Invoke(builder);
        });

    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient { BaseAddress = Address };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>Registers a buyer with a fresh e-mail and returns a client logged in as them.</summary>
    public async Task<HttpClient> BuyerAsync(string birthDate = "1990-05-17", string? email = null)
    {
        email ??= $"buyer-{Guid.NewGuid():N}@example.test";
        using var anonymous = Client();
        var registered = await anonymous.PostAsJsonAsync("/api/accounts/register",
            new { email, password = "Buyer-pass-1", displayName = "Test Buyer", birthDate }, TestContext.Current.CancellationToken);
        registered.StatusCode.ShouldBe(HttpStatusCode.Created, await registered.Content.ReadAsStringAsync());
        return Client(await LoginAsync(email, "Buyer-pass-1"));
    }

    public async Task<HttpClient> OrganizerAsync() => Client(await LoginAsync(OrganizerEmail, OrganizerPassword));

    public async Task<string> LoginAsync(string email, string password)
    {
        using var anonymous = Client();
        var login = await anonymous.PostAsJsonAsync("/api/accounts/login", new { email, password }, TestContext.Current.CancellationToken);
        login.StatusCode.ShouldBe(HttpStatusCode.OK, await login.Content.ReadAsStringAsync());
        return (await Json(login))["accessToken"]!.GetValue<string>();
    }

    /// <summary>Creates an event with one ticket type and returns (event id, ticket type id).</summary>
    public async Task<(Guid EventId, Guid TicketTypeId)> CreateEventAsync(
        int capacity = 100, int? maxPerOrder = null, int minimumAge = 0, DateTimeOffset? startsAt = null, long price = 4_500)
    {
        using var organizer = await OrganizerAsync();
        return await CreateEventAsync(organizer, capacity, maxPerOrder, minimumAge, startsAt, price);
    }

    /// <summary>Creates an event with one ticket type as <paramref name="organizer"/> (any host's client).</summary>
    public static async Task<(Guid EventId, Guid TicketTypeId)> CreateEventAsync(
        HttpClient organizer, int capacity = 100, int? maxPerOrder = null, int minimumAge = 0, DateTimeOffset? startsAt = null, long price = 4_500)
    {
        var response = await organizer.PostAsJsonAsync("/api/events", new
        {
            name = "Test night " + Guid.NewGuid().ToString("N")[..6],
            venue = "Test Hall",
            city = "Lisbon",
            category = "concert",
            performers = new[] { "The Testers" },
            startsAt = startsAt ?? DateTimeOffset.UtcNow.AddDays(10),
            minimumAge,
            description = "A test event.",
            ticketTypes = new[] { new { name = "General", price, currency = "EUR", capacity, maxPerOrder = maxPerOrder ?? Math.Min(6, capacity) } },
        }, TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var created = await Json(response);
        return (created["id"]!.GetValue<Guid>(), created["ticketTypes"]![0]!["id"]!.GetValue<Guid>());
    }

    public async Task<int> AvailableAsync(Guid eventId)
    {
        using var anonymous = Client();
        var found = await Json(await anonymous.GetAsync(new Uri($"/api/events/{eventId}", UriKind.Relative), TestContext.Current.CancellationToken));
        return found["ticketTypes"]![0]!["available"]!.GetValue<int>();
    }

    /// <summary>The gateway's ledger entries for one reservation.</summary>
    public async Task<JsonArray> LedgerAsync(Guid reservationId)
    {
        var gateway = new Uri(Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["Payments:GatewayUrl"]!);
        using var client = new HttpClient { BaseAddress = gateway };
        return (JsonArray)JsonNode.Parse(await client.GetStringAsync(new Uri($"/v1/ledger?reservationId={reservationId}", UriKind.Relative), TestContext.Current.CancellationToken))!;
    }

    /// <summary>The status of a payment intent as the gateway's API shows it (<c>requires_action</c>, <c>canceled</c> …).</summary>
    public async Task<string> IntentStatusAsync(string intentId)
    {
        var gateway = new Uri(Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["Payments:GatewayUrl"]!);
        using var client = new HttpClient { BaseAddress = gateway };
        var intent = JsonNode.Parse(await client.GetStringAsync(new Uri($"/v1/payment_intents/{intentId}", UriKind.Relative), TestContext.Current.CancellationToken))!;
        return intent["status"]!.GetValue<string>();
    }

    /// <summary>One value read from a service's own database (<c>tickets</c>, <c>payments</c> …), as the test's evidence.</summary>
    public Task<object?> ScalarAsync(string database, string sql) =>
        Services.GetRequiredKeyedService<BoxOffice.Messaging.Storage.ServiceDatabase>(database).ScalarAsync(sql);

    /// <summary>A <c>SELECT COUNT(*)</c> in a service's own database.</summary>
    public Task<long> CountAsync(string database, string sql) =>
        Services.GetRequiredKeyedService<BoxOffice.Messaging.Storage.ServiceDatabase>(database).CountAsync(sql);

    /// <summary>Waits, through the operators' API, until every subscription of a consumer has reached its log's head.</summary>
    public static Task CaughtUpAsync(HttpClient organizer, string consumer) =>
        Eventually.HoldsAsync(
            async () => (JsonArray)await Json(await organizer.GetAsync(new Uri("/api/admin/messaging/subscriptions", UriKind.Relative), TestContext.Current.CancellationToken)),
            subscriptions => subscriptions.Where(s => s!["consumer"]!.GetValue<string>() == consumer).ToList() is { Count: > 0 } mine
                && mine.All(s => s!["lag"]!.GetValue<long>() == 0),
            $"{consumer} has caught up",
            TimeSpan.FromSeconds(30));

    public static async Task<JsonNode> Json(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))
        ?? throw new JsonException("empty body");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        TestHostLifetime.Stopped(this);
        _folder?.Dispose();
    }
}
