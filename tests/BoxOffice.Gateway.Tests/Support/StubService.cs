using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BoxOffice.Gateway.Tests.Support;

/// <summary>
/// A stand-in for one instance of a service, on its own loopback port: it answers every request
/// with who it is and what it was asked, so a test sees where the gateway sent it. Its live stream
/// (<c>/api/me/notifications/stream</c>) writes one event, then waits for <see cref="ReleaseStream"/>.
/// </summary>
internal sealed class StubService : IAsyncDisposable
{
    public const string StreamPath = "/api/me/notifications/stream";
    public const string SubscriptionsPath = "/api/admin/messaging/subscriptions";

    private readonly WebApplication _app;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _stopped;

    private StubService(string service, int instance)
    {
        Service = service;
        Instance = instance;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Run(AnswerAsync);
    }

    public string Service { get; }

    public int Instance { get; }

    public Uri Address => new(_app.Urls.First());

    private int _readinessProbes;

    /// <summary>How many times this instance has been asked <c>/health/ready</c> (the gateway's probes).</summary>
    public int ReadinessProbes => Volatile.Read(ref _readinessProbes);

    /// <summary>Authorization headers this instance received on the subscriptions path.</summary>
    public List<string> Authorizations { get; } = [];

    public static async Task<StubService> StartAsync(string service, int instance = 1)
    {
        var stub = new StubService(service, instance);
        await stub._app.StartAsync(TestContext.Current.CancellationToken);
        return stub;
    }

    /// <summary>Lets the live stream write its second event and end.</summary>
    public void ReleaseStream() => _release.TrySetResult();

    private async Task AnswerAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        // Who answered, in headers, so a test can tell without reading a body (a stream never ends).
        http.Response.Headers["X-Stub-Service"] = Service;
        http.Response.Headers["X-Stub-Instance"] = Instance.ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Headers["X-Stub-Method"] = http.Request.Method;
        http.Response.Headers["X-Stub-Path"] = path + http.Request.QueryString;
        if (path == "/health/ready")
        {
            Interlocked.Increment(ref _readinessProbes);
            await http.Response.WriteAsync("Healthy");
        }
        else if (path == StreamPath)
        {
            http.Response.ContentType = "text/event-stream";
            await http.Response.WriteAsync($"data: first from {Service}\n\n");
            await http.Response.Body.FlushAsync();
            await _release.Task.WaitAsync(http.RequestAborted);
            await http.Response.WriteAsync("data: second\n\n");
        }
        else if (path == SubscriptionsPath)
        {
            var authorization = http.Request.Headers.Authorization.ToString();
            lock (Authorizations)
            {
                Authorizations.Add(authorization);
            }

            if (authorization.Length == 0)
            {
                http.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            await http.Response.WriteAsJsonAsync(new[] { new { consumer = Service, source = "tickets", position = 1, head = 1, state = "Running", lag = 0 } });
        }
        else
        {
            await http.Response.WriteAsync("echo");
        }
    }

    /// <summary>Stops answering: its port refuses connections, as a killed instance's does.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        ReleaseStream();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    /// <summary>Who answered a request, and what it was asked, as the stub said in its headers; null when no stub answered.</summary>
    public sealed record Echo(string Service, int Instance, string Method, string Path)
    {
        public static Echo? Of(HttpResponseMessage response) =>
            response.Headers.TryGetValues("X-Stub-Service", out var service)
                ? new Echo(service.Single(), int.Parse(response.Headers.GetValues("X-Stub-Instance").Single(), System.Globalization.CultureInfo.InvariantCulture),
                    response.Headers.GetValues("X-Stub-Method").Single(), response.Headers.GetValues("X-Stub-Path").Single())
                : null;
    }
}
