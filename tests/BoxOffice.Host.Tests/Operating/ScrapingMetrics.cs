using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using BoxOffice.Host.Tests.Support;
using BoxOffice.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Host.Tests.Operating;

/// <summary>
/// <c>GET /metrics</c> (Prometheus text): the accept path's and the messaging core's instruments,
/// the gateway's request latencies, and who may read them.
/// </summary>
public sealed class ScrapingMetrics
{
    [Fact]
    public async Task After_a_reservation_metrics_show_the_accept_path_the_event_logs_and_the_consumers()
    {
        // The host as its own process: meters are found by name, so hosts sharing a test process
        // would add to each other's counters. Loyalty fails on purpose (a demo fault, quick
        // retries), so the dead-letter gauge has one to show.
        using var folder = new TempDirectory("metrics");
        var (host, address) = await HostProcess.StartAsync(folder.Path, TestContext.Current.CancellationToken, new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Demo",
            ["Seed__OrganizerPassword"] = TestApp.OrganizerPassword,
            ["Messaging__Faults__loyalty"] = "tickets.acquired.v1",
            ["Messaging__InitialBackoff"] = "00:00:00.010",
            ["Messaging__MaxBackoff"] = "00:00:00.050",
            ["PaymentGateway__LatencyMedianMs"] = "0",
            ["PaymentGateway__LatencyP99Ms"] = "0",
        });
        await using var _ = host;
        using var anonymous = new HttpClient { BaseAddress = address };
        using var organizer = await HostProcess.SignInAsync(address, TestApp.OrganizerEmail, TestApp.OrganizerPassword);
        var created = await organizer.PostAsJsonAsync("/api/events", new
        {
            name = "Metrics night", venue = "Test Hall", city = "Lisbon", category = "concert", performers = new[] { "The Testers" },
            startsAt = DateTimeOffset.UtcNow.AddDays(10), minimumAge = 0, description = "A test event.",
            ticketTypes = new[] { new { name = "General", price = 4_500, currency = "EUR", capacity = 2, maxPerOrder = 2 } },
        }, TestContext.Current.CancellationToken);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var type = (await TestApp.Json(created))["ticketTypes"]![0]!["id"]!.GetValue<Guid>();
        using var alice = await HostProcess.BuyerAsync(address);
        using var bob = await HostProcess.BuyerAsync(address);

        var id = await alice.ReserveAcceptedAsync(type, 2);
        await (await bob.ReserveAsync(type, 1)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "sold-out");
        await alice.UntilAsync(id, r => r.Status() == "Acquired", "the reservation is acquired");

        // The counters are exact at once; the gauges are a snapshot refreshed every few seconds.
        var metrics = await Eventually.HoldsAsync(
            () => anonymous.GetStringAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken),
            text => Value(text, "boxoffice_messaging_dead_letters", "consumer=\"loyalty\"") is 1
                && Value(text, "boxoffice_messaging_consumer_lag", "consumer=\"loyalty\",source=\"tickets\"") is 0,
            "loyalty's dead letter shows and it has caught up past it", TimeSpan.FromSeconds(60));

        Value(metrics, "boxoffice_tickets_reservations_accepted_total", "").ShouldBe(1);
        Value(metrics, "boxoffice_tickets_reservations_refused_total", "reason=\"sold-out\"").ShouldBe(1);
        Value(metrics, "boxoffice_tickets_accept_queue_depth", "").ShouldBe(0);
        Value(metrics, "boxoffice_tickets_accept_batch_size_count", "").ShouldBe(2);
        Value(metrics, "boxoffice_messaging_events_appended_total", "source=\"tickets\"").ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(2);
        Value(metrics, "boxoffice_messaging_events_appended_total", "source=\"payments\"").ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(1);
        Value(metrics, "boxoffice_messaging_events_applied_total", "consumer=\"payments\",source=\"tickets\"").ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(1);
        Value(metrics, "boxoffice_messaging_events_applied_total", "consumer=\"tickets\",source=\"payments\"").ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(1);
        Value(metrics, "boxoffice_messaging_dead_letters", "consumer=\"notifications\"").ShouldBe(0);
        // Latency of the API per route: ASP.NET Core's own histogram.
        Value(metrics, "http_server_request_duration_seconds_count", "http_response_status_code=\"202\",http_route=\"/api/reservations/\"").ShouldBe(1);
    }

    [Fact]
    public async Task Metrics_are_answered_on_this_machine_only_unless_an_operator_allows_more()
    {
        await using var app = await TestApp.StartAsync(configure: PretendRemoteCallers);
        await using var open = await TestApp.StartAsync(new Dictionary<string, string?> { ["Telemetry:Metrics:AllowRemote"] = "true" }, configure: PretendRemoteCallers);
        await using var off = await TestApp.StartAsync(new Dictionary<string, string?> { ["Telemetry:Metrics:Enabled"] = "false" });

        (await ScrapeAsync(app, remote: false)).ShouldBe(HttpStatusCode.OK);
        (await ScrapeAsync(app, remote: true)).ShouldBe(HttpStatusCode.NotFound);
        (await ScrapeAsync(open, remote: true)).ShouldBe(HttpStatusCode.OK);
        (await ScrapeAsync(off, remote: false)).ShouldBe(HttpStatusCode.NotFound);
    }

    private static async Task<HttpStatusCode> ScrapeAsync(TestApp app, bool remote)
    {
        using var client = app.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (remote)
        {
            request.Headers.Add(RemoteHeader, "203.0.113.7");
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    private const string RemoteHeader = "X-Test-Remote-Address";

    /// <summary>Every test calls from 127.0.0.1: a request with the header is made to look as if it came from that address.</summary>
    private static void PretendRemoteCallers(WebApplicationBuilder builder) =>
        builder.Services.AddSingleton<IStartupFilter>(new RemoteAddressFromHeader());

    private sealed class RemoteAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, following) =>
            {
                if (http.Request.Headers.TryGetValue(RemoteHeader, out var address))
                {
                    http.Connection.RemoteIpAddress = IPAddress.Parse(address.ToString());
                }

                return following(http);
            });
            next(app);
        };
    }

    /// <summary>The value of the sample <paramref name="name"/> whose labels contain <paramref name="labels"/>; null when there is none.</summary>
    private static double? Value(string metrics, string name, string labels)
    {
        foreach (var line in metrics.Split('\n'))
        {
            if (line.StartsWith(name + "{", StringComparison.Ordinal) && line.Contains(labels, StringComparison.Ordinal))
            {
                return double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return null;
    }
}
