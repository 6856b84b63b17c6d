using System.Net;
using BoxOffice.Gateway.Tests.Support;
using static BoxOffice.Gateway.Tests.Support.StubService;

namespace BoxOffice.Gateway.Tests;

public sealed class RoutingTheApi
{
    [Fact]
    public async Task Every_api_endpoint_a_service_maps_reaches_that_service_through_the_gateway()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var client = gateway.Client();
        var reached = 0;
        foreach (var service in RouteTable.ApiServices)
        {
            var endpoints = await ServiceEndpoints.OfAsync(service);
            endpoints.ShouldNotBeEmpty($"{service} maps no /api endpoint");
            foreach (var (method, pattern) in endpoints)
            {
                var path = ServiceEndpoints.Sample(pattern, service);
                if (path == SubscriptionsPath)
                {
                    continue; // every service's, put together by the gateway: ListingSubscriptions
                }

                // Headers only: the live stream's body never ends.
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
                var echo = Echo.Of(response);
                if (pattern.RawText!.Contains("{consumer}", StringComparison.Ordinal) && !RouteTable.Consumers.Contains(service))
                {
                    // A service without a consumer answers 404 for every consumer name; so does the gateway.
                    echo.ShouldBeNull($"{method} {path}");
                    response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
                    continue;
                }

                echo.ShouldNotBeNull($"{method} {path} ({service}: {pattern.RawText}) was answered {(int)response.StatusCode} by the gateway itself");
                (echo.Service, echo.Method, echo.Path).ShouldBe((service, method, path), $"{pattern.RawText}");
                reached++;
            }
        }

        reached.ShouldBeGreaterThan(25);
    }

    [Fact]
    public async Task Two_instances_of_a_service_take_turns()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var client = gateway.Client();
        var instances = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await client.GetAsync(new Uri("/api/events", UriKind.Relative), TestContext.Current.CancellationToken);
            instances.Add((Echo.Of(response))!.Instance);
        }

        instances.Order().ShouldBe([1, 1, 2, 2]);
    }

    [Fact]
    public async Task An_instance_that_stops_answering_is_left_out_after_a_few_failed_requests()
    {
        // Probes once a minute: only the failed requests themselves can take it out here.
        await using var gateway = await TestGateway.StartAsync(healthCheckInterval: TimeSpan.FromMinutes(1));
        using var client = gateway.Client();
        await gateway.Stub("tickets", 1).DisposeAsync();

        var answers = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            using var response = await client.GetAsync(new Uri("/api/events", UriKind.Relative), TestContext.Current.CancellationToken);
            answers.Add(Echo.Of(response) is { } echo ? $"tickets-{echo.Instance}" : ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        answers.Count(a => a == "502").ShouldBeLessThanOrEqualTo(2, string.Join(", ", answers));
        answers.TakeLast(8).ShouldAllBe(a => a == "tickets-2", string.Join(", ", answers));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/events/42")]
    [InlineData("/css/site.css")]
    public async Task Paths_outside_the_api_go_to_the_web_app(string path)
    {
        await using var gateway = await TestGateway.StartAsync(web: true);
        using var client = gateway.Client();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        var echo = Echo.Of(response);
        (echo?.Service, echo?.Path).ShouldBe(("web", path));
    }

    [Fact]
    public async Task An_api_path_no_service_owns_is_the_gateways_404_not_the_web_apps()
    {
        await using var gateway = await TestGateway.StartAsync(web: true);
        using var client = gateway.Client();

        using var response = await client.GetAsync(new Uri("/api/nothing-here", UriKind.Relative), TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (Echo.Of(response)).ShouldBeNull();
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task Without_a_web_app_a_page_path_is_not_found()
    {
        await using var gateway = await TestGateway.StartAsync(web: false);
        using var client = gateway.Client();

        using var response = await client.GetAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_query_string_reaches_the_service()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var client = gateway.Client();

        using var response = await client.GetAsync(new Uri("/api/me/recommendations?limit=3", UriKind.Relative), TestContext.Current.CancellationToken);

        (Echo.Of(response))!.Path.ShouldBe("/api/me/recommendations?limit=3");
    }
}
