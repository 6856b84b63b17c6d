using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace BoxOffice.Gateway.Tests.Support;

/// <summary>
/// The real gateway on a loopback port, in front of stub services: one instance of each API
/// service, two of Tickets, and a web app unless a test says otherwise.
/// </summary>
internal sealed class TestGateway : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestGateway(WebApplication app, IReadOnlyList<StubService> stubs)
    {
        _app = app;
        Stubs = stubs;
    }

    public IReadOnlyList<StubService> Stubs { get; }

    public Uri Address => new(_app.Urls.First());

    public IServiceProvider Services => _app.Services;

    public StubService Stub(string service, int instance = 1) => Stubs.Single(s => s.Service == service && s.Instance == instance);

    /// <param name="web">Whether a web app is configured.</param>
    /// <param name="deadService">A service configured at an address where nothing listens, instead of a stub.</param>
    /// <param name="healthCheckInterval">How often the gateway probes each instance.</param>
    public static async Task<TestGateway> StartAsync(bool web = true, string? deadService = null, TimeSpan? healthCheckInterval = null)
    {
        var stubs = new List<StubService>();
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:HealthCheckInterval"] = (healthCheckInterval ?? TimeSpan.FromMinutes(1)).ToString(),
        };
        foreach (var service in RouteTable.ApiServices.Append(web ? RouteTable.Web : null).OfType<string>())
        {
            if (service == deadService)
            {
                settings[$"Gateway:Services:{service}"] = $"http://127.0.0.1:{ClosedPort()}";
                continue;
            }

            var instances = service == "tickets" ? 2 : 1;
            var mine = new List<StubService>();
            for (var i = 1; i <= instances; i++)
            {
                mine.Add(await StubService.StartAsync(service, i));
            }

            stubs.AddRange(mine);
            settings[$"Gateway:Services:{service}"] = string.Join(";", mine.Select(s => s.Address.ToString().TrimEnd('/')));
        }

        var app = GatewayApp.Build([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Configuration.AddInMemoryCollection(settings);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new TestGateway(app, stubs);
    }

    public HttpClient Client() => new() { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        foreach (var stub in Stubs)
        {
            await stub.DisposeAsync();
        }
    }

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    private static int ClosedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
