using Microsoft.Extensions.Diagnostics.HealthChecks;
using Yarp.ReverseProxy;

namespace BoxOffice.Gateway;

/// <summary>
/// The gateway is ready while every service it routes to has at least one instance the proxy
/// would send a request to (not found unhealthy by the last probe or by failed connections).
/// </summary>
internal sealed class EveryServiceReachable(IProxyStateLookup proxy) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var down = proxy.GetClusters()
            .Where(cluster => cluster.DestinationsState.AvailableDestinations.Count == 0)
            .Select(cluster => cluster.ClusterId)
            .Order(StringComparer.Ordinal)
            .ToList();
        return Task.FromResult(down.Count == 0
            ? HealthCheckResult.Healthy("Every service has an instance that answers.")
            : HealthCheckResult.Unhealthy($"No instance of {string.Join(", ", down)} answers."));
    }
}
