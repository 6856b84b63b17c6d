using BoxOffice.Messaging.Hosting;
using BoxOffice.Messaging.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.OpenApi;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace BoxOffice.Host;

/// <summary>Ready once every database is migrated and every consumer runs.</summary>
internal sealed class MessagingReadiness(MessagingRuntime runtime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(runtime.IsReady
            ? HealthCheckResult.Healthy("Databases migrated, consumers running.")
            : HealthCheckResult.Unhealthy("Messaging has not started or is stopping."));
}

/// <summary>
/// Ready while the process's service databases answer a query now (a server that went away after
/// the start shows here, not only in failed requests).
/// </summary>
internal sealed class DatabaseReadiness(IServiceProvider services, IReadOnlyList<string> databases) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // A service switched off (Loyalty:Enabled=false) has no database to ask.
        var hosted = databases.Where(name => services.GetKeyedService<ServiceDatabase>(name) is not null).ToList();
        foreach (var name in hosted)
        {
            var database = services.GetRequiredKeyedService<ServiceDatabase>(name);
            try
            {
                await using var connection = await database.OpenReadAsync(cancellationToken);
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT 1";
                await command.ExecuteScalarAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException or IOException)
            {
                return HealthCheckResult.Unhealthy($"Database '{name}' ({database.Location}) does not answer: {ex.Message}");
            }
        }

        return HealthCheckResult.Healthy($"{string.Join(", ", hosted)} answer.");
    }
}

/// <summary>
/// Whether the process's storage has room for writes (<see cref="StorageSpace"/>). A full disk makes
/// the process <em>Degraded</em>, not unready: reads of what was committed still answer, and writes
/// are refused with 503 storage-full until space returns.
/// </summary>
internal sealed class StorageReadiness(StorageSpace space) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(space.IsFull
            ? new HealthCheckResult(context.Registration.FailureStatus,
                $"Storage full ({string.Join(", ", space.Full.Select(f => $"{f.Where} since {f.Since:u}"))}): writes are refused until there is space again.")
            : HealthCheckResult.Healthy("Storage has room for writes."));
}

/// <summary>
/// Whether RabbitMQ accepts this process's connection (<c>ConnectionStrings:RabbitMq</c>). A broker
/// that does not answer makes the process <em>Degraded</em>, not unready: it still accepts work,
/// whose events wait in its log until the relay reaches the broker again (a gateway that stopped
/// routing to it would turn a broker outage into refused buyers). One connection is kept and opened
/// again when the broker dropped it, so a probe every few seconds does not open one each time.
/// </summary>
internal sealed class BrokerReadiness(IConfiguration configuration) : IHealthCheck, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnection? _connection;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var uri = new Uri(configuration.GetConnectionString("RabbitMq") ?? throw new InvalidOperationException("ConnectionStrings:RabbitMq is not set."));
        // The address without its credentials, for the message.
        var where = $"{uri.Host}:{(uri.IsDefaultPort ? 5672 : uri.Port)}{uri.AbsolutePath}";
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_connection is not { IsOpen: true })
            {
                if (_connection is not null)
                {
                    await _connection.DisposeAsync();
                    _connection = null;
                }

                // Bounded well inside a prober's patience (the gateway waits 5 s): a broker that accepts
                // the socket but stalls the AMQP handshake (busy, or starting again) held this check for
                // 15 s, past every probe, and made ready services look gone.
                var factory = new ConnectionFactory
                {
                    Uri = uri,
                    ClientProvidedName = "boxoffice health check",
                    AutomaticRecoveryEnabled = false,
                    RequestedConnectionTimeout = TimeSpan.FromSeconds(2),
                    HandshakeContinuationTimeout = TimeSpan.FromSeconds(2),
                };
                // The client does not give up on a stalled handshake when asked to (measured: 8 s with a
                // 3 s cancellation), so the wait is bounded here; an attempt left behind is closed if it
                // ever opens.
                var connecting = factory.CreateConnectionAsync(cancellationToken);
                try
                {
                    _connection = await connecting.WaitAsync(TimeSpan.FromSeconds(3), cancellationToken);
                }
                catch (TimeoutException)
                {
                    _ = connecting.ContinueWith(
                        attempt => attempt.IsCompletedSuccessfully ? attempt.Result.DisposeAsync().AsTask() : Task.FromResult(attempt.Exception),
                        CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
                    throw;
                }
            }

            return HealthCheckResult.Healthy($"RabbitMQ at {where} answers.");
        }
        catch (Exception ex) when (ex is BrokerUnreachableException or OperationInterruptedException or IOException or TimeoutException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new HealthCheckResult(context.Registration.FailureStatus,
                $"RabbitMQ at {where} does not answer (events wait in the log until it does): {ex.Message}");
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        _gate.Dispose();
    }
}

internal static class Readiness
{
    /// <summary>The configuration key of the transport between services' logs and their consumers.</summary>
    public const string TransportKey = "Messaging:Transport";

    /// <summary>True when <see cref="TransportKey"/> says RabbitMQ.</summary>
    public static bool UsesRabbitMq(IConfiguration configuration) =>
        string.Equals(configuration[TransportKey], "RabbitMq", StringComparison.OrdinalIgnoreCase);

    /// <summary>The checks behind <c>/health/ready</c>.</summary>
    public static IServiceCollection AddReadiness(this IServiceCollection services, IConfiguration configuration, IEnumerable<string> databases)
    {
        IReadOnlyList<string> names = [.. databases];
        var checks = services.AddHealthChecks()
            .AddCheck<MessagingReadiness>("messaging", tags: ["ready"])
            .Add(new HealthCheckRegistration("databases", sp => new DatabaseReadiness(sp, names), HealthStatus.Unhealthy, ["ready"], TimeSpan.FromSeconds(10)))
            .AddCheck<StorageReadiness>("storage", failureStatus: HealthStatus.Degraded, tags: ["ready"]);
        if (UsesRabbitMq(configuration))
        {
            services.AddSingleton<BrokerReadiness>();
            checks.AddCheck<BrokerReadiness>("rabbitmq", failureStatus: HealthStatus.Degraded, tags: ["ready"], timeout: TimeSpan.FromSeconds(10));
        }

        return services;
    }
}

internal static class HealthEndpoints
{
    /// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: it can take work.</summary>
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
    }

    /// <summary>
    /// Health checks are not route handlers, so the framework leaves them out of the OpenAPI
    /// document; they are described here, beside their mapping. Both are anonymous, plain text.
    /// </summary>
    public static void Document(OpenApiDocument document)
    {
        document.Paths ??= [];
        document.Paths["/health/live"] = Check(document, "Liveness: the process answers.", ready: false);
        document.Paths["/health/ready"] = Check(document, "Readiness: every database is migrated and answers and every consumer runs. `Degraded` (still 200) when RabbitMQ is the transport and does not answer (work is accepted and its events wait in the log), or while the disk is full (reads answer, writes are refused with 503 storage-full).", ready: true);
    }

    private static OpenApiPathItem Check(OpenApiDocument document, string summary, bool ready)
    {
        var responses = new OpenApiResponses { ["200"] = PlainText(ready ? "`Healthy`, or `Degraded` while the broker does not answer or the disk is full" : "`Healthy`") };
        if (ready)
        {
            responses["503"] = PlainText("`Unhealthy`: messaging has not started or is stopping, or a database does not answer.");
        }

        return new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Get] = new()
                {
                    Summary = summary,
                    OperationId = ready ? "HealthReady" : "HealthLive",
                    Tags = new HashSet<OpenApiTagReference> { new("Operations", document) },
                    Responses = responses,
                },
            },
        };
    }

    private static OpenApiResponse PlainText(string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["text/plain"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
        },
    };
}
