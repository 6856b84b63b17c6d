using BoxOffice.ServiceDefaults;
using BoxOffice.Web;
using Microsoft.AspNetCore.HttpOverrides;

namespace BoxOffice.Host;

/// <summary>
/// The web app as a process of the distributed deployment (<c>--service web</c>): the pages only,
/// calling the API through the gateway (<c>Web:ApiUrl</c>), which in turn sends every path outside
/// <c>/api</c> here. It has no database and no consumer; its cookie keys live in its data folder.
/// </summary>
internal static class WebAppHost
{
    public const string Name = "web";

    /// <summary>Where it listens when nothing else is said (after the API services' 5101–5106).</summary>
    public const int Port = 5107;

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure)
    {
        var builder = WebEdge.CreateBuilder(args, $"http://localhost:{Port}", b =>
        {
            b.Configuration[ServiceHost.ServiceKey] = Name;
            configure?.Invoke(b);
        });
        if (string.IsNullOrWhiteSpace(builder.Configuration["Web:ApiUrl"]))
        {
            // Without it the pages would call this process, which serves no API.
            throw new StartupFailed(
                "Cannot start the web app on its own:" + Environment.NewLine
                + "  - Web:ApiUrl (env Web__ApiUrl): the API gateway's address, such as http://localhost:5080, which the pages call"
                + Environment.NewLine + "scripts/distributed-up.sh sets it (README, \"Distributed\").");
        }

        DataFolder.MakePrivate(DataFolder.Resolve(builder.Configuration, builder.Environment));
        // Behind the gateway: the scheme and client address it names, believed from loopback only.
        builder.Services.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto);
        builder.Services.AddProblemDetails();
        // Ready once it serves: what its pages need is behind the gateway, whose own readiness says so.
        builder.Services.AddHealthChecks();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.AddBoxOfficeTelemetry($"{EmbeddedHost.ServiceName}-{Name}");
        builder.Services.AddBoxOfficeWeb(builder.Configuration);

        var app = builder.Build();
        app.UseForwardedHeaders();
        app.UseBoxOfficeSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealth();
        app.MapBoxOfficeMetrics();
        app.MapBoxOfficeWeb();
        app.Lifetime.ApplicationStarted.Register(() => app.Logger.LogInformation(
            "BoxOffice web app is running on {Urls}; its pages call the API at {ApiUrl}", string.Join(", ", app.Urls), app.Configuration["Web:ApiUrl"]));
        return app;
    }
}
