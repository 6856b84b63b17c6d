using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BoxOffice.Host;
using BoxOffice.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace BoxOffice.Web.Tests.Support;

/// <summary>
/// The real embedded host with the web app at its root, in this process on a free loopback port,
/// with its own data folder: what a user gets from <c>dotnet run --project src/BoxOffice.Host</c>.
/// </summary>
public sealed class WebHost : IAsyncDisposable
{
    public const string OrganizerEmail = "organizer@boxoffice.local";
    public const string OrganizerPassword = "Organizer-test-1";
    public const string BuyerPassword = "Buyer-test-1";

    private readonly WebApplication _app;
    private readonly TempDirectory? _folder;

    private WebHost(WebApplication app, Uri address, TempDirectory? folder)
    {
        _app = app;
        Address = address;
        _folder = folder;
    }

    public Uri Address { get; }

    /// <param name="settings">Configuration over the defaults below.</param>
    /// <param name="dataDirectory">An existing folder to start on (kept afterwards), else a new one (removed).</param>
    /// <param name="environment">The hosting environment; Production unless given.</param>
    public static async Task<WebHost> StartAsync(IDictionary<string, string?>? settings = null, string? dataDirectory = null, string? environment = null)
    {
        var folder = dataDirectory is null ? new TempDirectory("web") : null;
        var data = dataDirectory ?? folder!.Path;
        var app = await EmbeddedHost.BuildAsync(environment is null ? [] : ["--environment", environment], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
            var defaults = new Dictionary<string, string?>
            {
                ["PaymentGateway:Urls"] = "http://127.0.0.1:0",
                ["PaymentGateway:LatencyMedianMs"] = "0",
                ["PaymentGateway:LatencyP99Ms"] = "0",
                ["Seed:OrganizerPassword"] = OrganizerPassword,
                ["Seed:BuyerPassword"] = BuyerPassword,
                // The login page shows the demo logins, as it does under `dotnet run` (Development).
                ["Web:ShowDemoLogins"] = "true",
                ["Logging:LogLevel:Default"] = "Warning",
                // Every browser and API call of a test comes from 127.0.0.1.
                ["RateLimits:RegistrationsPerHourPerAddress"] = "100000",
                ["RateLimits:LoginsPerMinutePerAddress"] = "100000",
            };
            builder.Configuration.AddInMemoryCollection(TestStorage.HostConfiguration(data, defaults, settings));
        });
        try
        {
            await app.StartAsync(TestContext.Current.CancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            folder?.Dispose();
            throw;
        }

        return new WebHost(app, new Uri(app.Urls.First()), folder);
    }

    public Uri Url(string path) => new(Address, path);

    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient { BaseAddress = Address };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public async Task<string> LoginAsync(string email, string password)
    {
        using var anonymous = Client();
        var login = await anonymous.PostAsJsonAsync("/api/accounts/login", new { email, password }, TestContext.Current.CancellationToken);
        login.StatusCode.ShouldBe(HttpStatusCode.OK, await login.Content.ReadAsStringAsync());
        return (await Json(login))["accessToken"]!.GetValue<string>();
    }

    /// <summary>Registers a buyer through the API; returns their e-mail (password <see cref="BuyerPassword"/>).</summary>
    public async Task<string> RegisterAsync(string birthDate = "1990-05-17")
    {
        var email = $"buyer-{Guid.NewGuid():N}@example.test";
        using var anonymous = Client();
        var registered = await anonymous.PostAsJsonAsync("/api/accounts/register",
            new { email, password = BuyerPassword, displayName = "Test Buyer", birthDate }, TestContext.Current.CancellationToken);
        registered.StatusCode.ShouldBe(HttpStatusCode.Created, await registered.Content.ReadAsStringAsync());
        return email;
    }

    public async Task<HttpClient> BuyerClientAsync() => Client(await LoginAsync(await RegisterAsync(), BuyerPassword));

    /// <summary>Creates an event with one ticket type through the API; returns (event id, ticket type id, name).</summary>
    public async Task<(Guid EventId, Guid TicketTypeId, string Name)> CreateEventAsync(int capacity = 100, int minimumAge = 0, int maxPerOrder = 6)
    {
        using var organizer = Client(await LoginAsync(OrganizerEmail, OrganizerPassword));
        var name = "Web night " + Guid.NewGuid().ToString("N")[..6];
        var response = await organizer.PostAsJsonAsync("/api/events", new
        {
            name,
            venue = "Test Hall",
            city = "Lisbon",
            category = "concert",
            performers = new[] { "The Testers" },
            startsAt = DateTimeOffset.UtcNow.AddDays(10),
            minimumAge,
            description = "A test event.",
            ticketTypes = new[] { new { name = "General", price = 4_500L, currency = "EUR", capacity, maxPerOrder = Math.Min(maxPerOrder, capacity) } },
        }, TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var created = await Json(response);
        return (created["id"]!.GetValue<Guid>(), created["ticketTypes"]![0]!["id"]!.GetValue<Guid>(), name);
    }

    public static async Task<Guid> ReserveAsync(HttpClient buyer, Guid ticketTypeId, int quantity, string token = "tok_visa")
    {
        var response = await buyer.PostAsJsonAsync("/api/reservations", new { ticketTypeId, quantity, paymentToken = token }, TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await Json(response))["id"]!.GetValue<Guid>();
    }

    public static async Task<JsonNode> Json(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)) ?? throw new InvalidOperationException("empty body");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _folder?.Dispose();
    }
}
