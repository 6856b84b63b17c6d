using System.Net;
using BoxOffice.Gateway.Tests.Support;
using BoxOffice.Testing;

namespace BoxOffice.Gateway.Tests;

public sealed class CheckingHealth
{
    [Fact]
    public async Task The_gateway_is_ready_while_every_service_answers()
    {
        await using var gateway = await TestGateway.StartAsync(healthCheckInterval: TimeSpan.FromMilliseconds(200));
        using var client = gateway.Client();

        // Every instance probed a few times over: still ready.
        await Eventually.HoldsAsync(() => gateway.Stubs.Min(s => s.ReadinessProbes), n => n >= 3, "every instance has been probed three times");
        using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_gateway_is_not_ready_once_a_service_has_no_instance_that_answers()
    {
        await using var gateway = await TestGateway.StartAsync(deadService: "loyalty", healthCheckInterval: TimeSpan.FromMilliseconds(200));
        using var client = gateway.Client();

        await Eventually.HoldsAsync(
            async () => (await client.GetAsync(new Uri("/health/ready", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode,
            status => status == HttpStatusCode.ServiceUnavailable,
            "the probes find loyalty down");
        using var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative), TestContext.Current.CancellationToken);
        live.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
