using System.Net;
using System.Net.Sockets;
using System.Text.Json.Serialization;
using BoxOffice.Messaging.Hosting;
using BoxOffice.ServiceDefaults;
using BoxOffice.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BoxOffice.Accounts.Tests.Support;

/// <summary>
/// A real web application wired as the BoxOffice host wires the accounts module, on Kestrel on a
/// free loopback port, with its data in the given folder.
/// </summary>
internal sealed class AccountsHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AccountsHost(WebApplication app, HttpClient client, LogCollector logs)
    {
        _app = app;
        Client = client;
        Logs = logs;
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public LogCollector Logs { get; }

    /// <summary>
    /// A client whose connections come from another loopback address (127.0.0.2, 127.0.0.3 …), as
    /// a caller on another machine would: the server sees that address as the client's.
    /// </summary>
    public HttpClient ClientFrom(string localAddress)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(localAddress), 0));
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = Client.BaseAddress };
    }

    public static Task<AccountsHost> BuildAndStartAsync(string dataDirectory, IDictionary<string, string?>? settings = null, TimeProvider? time = null) =>
        StartAsync(Build(dataDirectory, settings, time));

    /// <summary>The application, configured but not started; <paramref name="time"/> replaces the clock.</summary>
    public static WebApplication Build(string dataDirectory, IDictionary<string, string?>? settings = null, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            // As deployed: in Development minimal APIs throw on a bad request body instead of answering 400.
            EnvironmentName = Environments.Production,
            ContentRootPath = dataDirectory,
        });
        builder.Host.UseDefaultServiceProvider(o =>
        {
            o.ValidateScopes = true;
            o.ValidateOnBuild = true;
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["BoxOffice:DataDirectory"] = dataDirectory;
        builder.Configuration["Seed:OrganizerPassword"] = AccountsFixture.OrganizerPassword;
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddProvider(new LogCollector());

        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow);
        builder.Services.AddProblemDetails();
        builder.Services.AddBoxOfficeAuthentication(builder.Configuration);
        builder.Services.AddMessaging(builder.Configuration).AddAccounts(builder.Configuration);
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapAccounts();
        return app;
    }

    private static async Task<AccountsHost> StartAsync(WebApplication app)
    {
        await app.StartAsync(TestContext.Current.CancellationToken);
        var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        return new AccountsHost(app, client, app.Services.GetServices<ILoggerProvider>().OfType<LogCollector>().Single());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
