using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using BoxOffice.Messaging.Hosting;
using BoxOffice.Messaging.Storage;
using Microsoft.Extensions.Options;

namespace BoxOffice.Host.Invariants;

/// <summary>
/// <c>BoxOffice.Host invariants [--grace-seconds N]</c>: the invariant check of
/// <c>GET /api/admin/invariants</c> from outside every process, for the distributed deployment,
/// where no service can read the others' databases. Configured like the host (the same keys, from
/// appsettings.json, the environment and the command line: <c>BoxOffice:Storage</c>,
/// <c>ConnectionStrings:Postgres</c>, <c>BoxOffice:DatabasePrefix</c> or <c>BoxOffice:DataDirectory</c>,
/// and <c>Payments:GatewayUrl</c>), it opens the services' databases for reading only, loads the
/// facts with <see cref="CheckInvariants.LoadAsync"/>, prints the report as JSON and exits
/// <see cref="Holds"/>, <see cref="Broken"/> or <see cref="CannotRead"/>.
/// </summary>
internal static class InvariantsCommand
{
    public const string Name = "invariants";

    /// <summary>Every invariant holds.</summary>
    public const int Holds = 0;

    /// <summary>At least one invariant is broken: the report names the ids.</summary>
    public const int Broken = 1;

    /// <summary>The check could not be made: a bad argument, a missing setting, a database or the gateway unreachable.</summary>
    public const int CannotRead = 2;

    // Every database the facts are read from (CheckInvariants.LoadAsync); Accounts and Payments hold none of them.
    private static readonly string[] Databases = ["tickets", "notifications", "loyalty", "recommendations"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>True when the command line asks for this command (its first argument).</summary>
    public static bool IsRequested(string[] args) => args is [Name, ..];

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var rest = args[1..].ToList();
        var grace = TimeSpan.FromSeconds(60);
        var at = rest.IndexOf("--grace-seconds");
        if (at >= 0)
        {
            if (at + 1 >= rest.Count || !int.TryParse(rest[at + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > 86_400)
            {
                await error.WriteLineAsync("--grace-seconds takes the seconds past a hold's end a Pending reservation is still tolerated, from 0 to 86400.");
                return CannotRead;
            }

            grace = TimeSpan.FromSeconds(seconds);
            rest.RemoveRange(at, 2);
        }

        // Bounded: a server that does not answer is a check that could not be made, not a hung operator.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await using var app = Build([.. rest]);
            var gateway = app.Configuration["Payments:GatewayUrl"];
            if (!Uri.TryCreate(gateway, UriKind.Absolute, out var gatewayUrl))
            {
                await error.WriteLineAsync("Payments:GatewayUrl (env Payments__GatewayUrl) must name the payment gateway, whose ledger is the record of money moved.");
                return CannotRead;
            }

            foreach (var name in Databases)
            {
                await app.Services.GetRequiredKeyedService<ServiceDatabase>(name).OpenForReadingAsync(timeout.Token);
            }

            var facts = await CheckInvariants.LoadAsync(app.Services, gatewayUrl, app.Services.GetRequiredService<IHttpClientFactory>(), timeout.Token);
            var report = InvariantRules.Decide(facts, app.Services.GetRequiredService<TimeProvider>().GetUtcNow(), grace);
            await output.WriteLineAsync(JsonSerializer.Serialize(report, Json));
            return report.Holds ? Holds : Broken;
        }
        catch (Exception ex) when (ex is DbException or HttpRequestException or OptionsValidationException or InvalidOperationException or JsonException or OperationCanceledException)
        {
            await error.WriteLineAsync($"Cannot check the invariants: {ex.GetType().Name}: {ex.Message}");
            return CannotRead;
        }
    }

    private static WebApplication Build(string[] args)
    {
        // A web application's builder, never started: it reads configuration exactly as the host does
        // (ASPNETCORE_ variables and --contentRoot included); nothing listens and no migration runs.
        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.ClearProviders();
        var messaging = builder.Services.AddMessaging(builder.Configuration);
        foreach (var name in Databases)
        {
            messaging.AddDatabase(name);
        }

        builder.Services.AddHttpClient();
        return builder.Build();
    }
}
