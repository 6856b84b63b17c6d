using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Serialization;
using BoxOffice.Contracts;
using BoxOffice.Messaging.Hosting;
using BoxOffice.Messaging.Operations;
using BoxOffice.Messaging.Storage;
using BoxOffice.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace BoxOffice.Testing;

/// <summary>What a <see cref="ModuleHost"/> runs: one module, the logs it reads, and one test's settings.</summary>
public sealed record ModuleHostOptions
{
    /// <summary>The module's name, as its consumer and database are named (<c>payments</c>); it also names the data folder.</summary>
    public required string Module { get; init; }

    /// <summary>Registers the module on the messaging core, as the BoxOffice host does: <c>(m, c) =&gt; m.AddPayments(c)</c>.</summary>
    public required Action<MessagingBuilder, IConfiguration> Add { get; init; }

    /// <summary>Maps the module's endpoints: <c>app =&gt; app.MapPayments()</c>.</summary>
    public required Action<WebApplication> Map { get; init; }

    /// <summary>
    /// The services whose events the module consumes (<c>tickets</c>, …): each gets a database in this
    /// host standing in for that service's log, which <see cref="ModuleHost.PublishAsync{T}(T[])"/> writes to.
    /// </summary>
    public IReadOnlyList<string> Upstream { get; init; } = [];

    /// <summary>Configuration over the test defaults (full keys, <c>Payments:MaxRetryDelay</c>); a null value removes a default.</summary>
    public IEnumerable<KeyValuePair<string, string?>>? Settings { get; init; }

    /// <summary>A clock to inject (a <c>FakeTimeProvider</c>), else the system's.</summary>
    public TimeProvider? Time { get; init; }

    /// <summary>An existing data folder to run on, kept afterwards (its owner deletes it); else a new one, removed with the host.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>More set-up of the host (a spying service), after the module's.</summary>
    public Action<WebApplicationBuilder>? Configure { get; init; }

    /// <summary>Middleware in front of the module's endpoints (behind authentication).</summary>
    public Action<WebApplication>? Pipeline { get; init; }
}

/// <summary>
/// One BoxOffice module in a real web application, wired as the BoxOffice host wires it (the
/// messaging core, bearer tokens, problem details, strict JSON bodies, the Production environment)
/// on Kestrel on a free loopback port, with its data in a folder of its own: the test host every
/// module's tests build on. Restarts keep the data folder; disposing stops the host and removes the
/// folder it made.
/// </summary>
public sealed class ModuleHost : IAsyncDisposable
{
    private readonly ModuleHostOptions _options;
    private readonly TempDirectory? _folder;
    private WebApplication? _app;
    private HttpClient? _client;

    private ModuleHost(ModuleHostOptions options, TempDirectory? folder, string dataDirectory)
    {
        _options = options;
        _folder = folder;
        DataDirectory = dataDirectory;
    }

    /// <summary>The data folder (the content root too): the SQLite files, generated keys, the mail folder.</summary>
    public string DataDirectory { get; }

    /// <summary>The running host's address (a new port after each restart).</summary>
    public Uri BaseUrl => new(App.Urls.First());

    /// <summary>A client of the running host (relative paths resolve against <see cref="BaseUrl"/>); a new one after each restart.</summary>
    public HttpClient Client => _client ?? throw new InvalidOperationException("The host is not running.");

    /// <summary>The running host's services.</summary>
    public IServiceProvider Services => App.Services;

    /// <summary>What the host logged at Warning or above (and Information of a category a test opens with a <c>Logging:LogLevel:{category}</c> setting), across restarts.</summary>
    public LogCollector Logs { get; } = new(LogLevel.Information);

    /// <summary>The operators' view of the messaging core: subscriptions, dead letters, replay.</summary>
    public MessagingAdmin Admin => Services.GetRequiredService<MessagingAdmin>();

    private WebApplication App => _app ?? throw new InvalidOperationException("The host is not running.");

    /// <summary>Builds and starts a host; the test disposes it.</summary>
    /// <param name="options">The module and the test's settings.</param>
    /// <returns>The running host.</returns>
    public static async Task<ModuleHost> StartAsync(ModuleHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var folder = options.DataDirectory is null ? new TempDirectory(options.Module) : null;
        var host = new ModuleHost(options, folder, options.DataDirectory ?? folder!.Path);
        try
        {
            await host.RunAsync();
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The application as <see cref="StartAsync"/> would run it, built but not started, for tests of
    /// the wiring itself (what is registered, in which order). Needs <see cref="ModuleHostOptions.DataDirectory"/>.
    /// </summary>
    /// <param name="options">The module and the test's settings.</param>
    /// <returns>The application; the test disposes it.</returns>
    public static WebApplication Build(ModuleHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Build(options, options.DataDirectory ?? throw new ArgumentException("A data folder is needed to build without starting.", nameof(options)), new LogCollector());
    }

    /// <summary>Stops the host, runs <paramref name="whileStopped"/>, and starts it again on the same data folder and settings.</summary>
    /// <param name="whileStopped">What happens while nothing runs (say, deleting a database file).</param>
    /// <returns>A task that completes once the new host runs.</returns>
    public async Task RestartAsync(Action? whileStopped = null)
    {
        await StopAsync();
        whileStopped?.Invoke();
        await RunAsync();
    }

    /// <summary>A service database of this host: the module's own, or an upstream log.</summary>
    /// <param name="name">Its name (<c>tickets</c>).</param>
    /// <returns>The database.</returns>
    public ServiceDatabase Database(string name) => Services.GetRequiredKeyedService<ServiceDatabase>(name);

    /// <summary>Publishes events, in one transaction, to their producer's log (an upstream database), as that service would.</summary>
    /// <typeparam name="T">The event type; its wire name names the log.</typeparam>
    /// <param name="events">The events, in order.</param>
    /// <returns>A task that completes once they are committed.</returns>
    public async Task PublishAsync<T>(params T[] events)
        where T : IEvent<T>
    {
        ArgumentNullException.ThrowIfNull(events);
        var ct = TestContext.Current.CancellationToken;
        await using var tx = await Database(EventEnvelope.SourceOf(T.WireName)).BeginAsync(ct);
        foreach (var e in events)
        {
            tx.Publish(e);
        }

        await tx.CommitAsync(ct);
    }

    /// <summary>Publishes one event with a correlation id (the reservation it is about) to its producer's log.</summary>
    /// <typeparam name="T">The event type; its wire name names the log.</typeparam>
    /// <param name="event">The event.</param>
    /// <param name="correlationId">The envelope's correlation id.</param>
    /// <returns>A task that completes once it is committed.</returns>
    public async Task PublishAsync<T>(T @event, Guid correlationId)
        where T : IEvent<T>
    {
        var ct = TestContext.Current.CancellationToken;
        await using var tx = await Database(EventEnvelope.SourceOf(T.WireName)).BeginAsync(ct);
        tx.Publish(@event, correlationId);
        await tx.CommitAsync(ct);
    }

    /// <summary>Waits until every subscription of <paramref name="consumer"/> has applied its log up to the head.</summary>
    /// <param name="consumer">The consumer; the module's own when null.</param>
    /// <returns>A task that completes once it has caught up (or fails the test).</returns>
    public Task CaughtUpAsync(string? consumer = null)
    {
        var name = consumer ?? _options.Module;
        return Eventually.HoldsAsync(
            async () => new Progress([.. (await Admin.SubscriptionsAsync(TestContext.Current.CancellationToken)).Where(s => s.Consumer == name)]),
            progress => progress.Subscriptions.Count > 0 && progress.Subscriptions.All(s => s.Lag == 0),
            $"the {name} consumer has caught up");
    }

    /// <summary>An access token from the host's own <see cref="TokenIssuer"/>: what the user would get from logging in.</summary>
    /// <param name="holder">Whom it speaks for.</param>
    /// <returns>The compact JWT.</returns>
    public string Token(TokenHolder holder) => Services.GetRequiredService<TokenIssuer>().Issue(holder);

    /// <summary>A request to the host, with <paramref name="body"/> as JSON and the bearer token if any.</summary>
    /// <param name="method">The method.</param>
    /// <param name="path">The path and query (<c>/api/me</c>).</param>
    /// <param name="token">A bearer token; anonymous when null.</param>
    /// <param name="body">A body to send as JSON; none when null.</param>
    /// <returns>The request; the caller disposes it.</returns>
    public HttpRequestMessage Request(HttpMethod method, string path, string? token = null, object? body = null)
    {
        var request = new HttpRequestMessage(method, new Uri(BaseUrl, path));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    /// <summary>Sends <see cref="Request"/> with <see cref="Client"/>.</summary>
    /// <param name="method">The method.</param>
    /// <param name="path">The path and query.</param>
    /// <param name="token">A bearer token; anonymous when null.</param>
    /// <param name="body">A body to send as JSON; none when null.</param>
    /// <returns>The response; the caller disposes it.</returns>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token = null, object? body = null)
    {
        using var request = Request(method, path, token, body);
        return await Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// A client whose connections come from another loopback address (127.0.0.2, 127.0.0.3 …), as a
    /// caller on another machine would: the server sees that address as the client's.
    /// </summary>
    /// <param name="localAddress">The loopback address to connect from.</param>
    /// <returns>A client of the running host; the caller disposes it.</returns>
    public HttpClient ClientFrom(string localAddress)
    {
        var from = IPAddress.Parse(localAddress);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(from, 0));
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
        return new HttpClient(handler) { BaseAddress = BaseUrl };
    }

    /// <summary>Stops the host and removes the data folder it made (a folder it was given stays).</summary>
    /// <returns>A task that completes once everything is released.</returns>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _folder?.Dispose();
    }

    private static WebApplication Build(ModuleHostOptions options, string dataDirectory, LogCollector logs)
    {
        Directory.CreateDirectory(dataDirectory);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            // As deployed; and the content root is the data folder, so no appsettings.json of the
            // test's output folder leaks in.
            EnvironmentName = Environments.Production,
            ContentRootPath = dataDirectory,
        });
        builder.Host.UseDefaultServiceProvider(o =>
        {
            o.ValidateScopes = true;
            o.ValidateOnBuild = true;
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(TestStorage.HostConfiguration(
            dataDirectory,
            new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" },
            options.Settings));
        builder.Logging.ClearProviders().AddSimpleConsole().AddProvider(logs);

        // The web defaults of the BoxOffice host (EmbeddedHost): bad bodies are 400 problems, never exceptions.
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
        });
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = false);
        builder.Services.AddProblemDetails();
        builder.Services.AddBoxOfficeAuthentication(builder.Configuration);
        var messaging = builder.Services.AddMessaging(builder.Configuration);
        foreach (var upstream in options.Upstream)
        {
            messaging.AddDatabase(upstream);
        }

        options.Add(messaging, builder.Configuration);
        if (options.Time is { } time)
        {
            builder.Services.AddSingleton(time);
        }

        options.Configure?.Invoke(builder);
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        options.Pipeline?.Invoke(app);
        options.Map(app);
        return app;
    }

    private async Task RunAsync()
    {
        var app = Build(_options, DataDirectory, Logs);
        try
        {
            await app.StartAsync(TestContext.Current.CancellationToken);
        }
        catch
        {
            // A host refused at start still holds its files: let them go.
            await app.DisposeAsync();
            throw;
        }

        _app = app;
        _client = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    private async Task StopAsync()
    {
        _client?.Dispose();
        _client = null;
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
    }

    private sealed record Progress(IReadOnlyList<SubscriptionStatus> Subscriptions)
    {
        public override string ToString() =>
            string.Join(", ", Subscriptions.Select(s => $"{s.Source} at {s.Position} of {s.Head} ({s.State})"));
    }
}
