using System.Net;
using BoxOffice.Distributed.Tests.Support;

namespace BoxOffice.Distributed.Tests.Browsing;

/// <summary>The web app as its own process: the gateway sends it the pages, and its pages call the API back through the gateway.</summary>
public sealed class TheWebAppThroughTheGateway(SharedDeployment shared)
{
    [Fact]
    public async Task Serves_an_events_page_with_what_the_tickets_service_holds()
    {
        var deployment = await shared.GetAsync();
        var (eventId, _) = await deployment.CreateEventAsync(capacity: 7);
        using var client = deployment.Client();

        using var page = await client.GetAsync(new Uri($"/events/{eventId}", UriKind.Relative), TestContext.Current.CancellationToken);
        var html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        page.StatusCode.ShouldBe(HttpStatusCode.OK, html.Length > 2000 ? html[..2000] : html);
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        // The web process rendered it (the API serves no HTML) from the event Tickets stored.
        html.ShouldContain("Distributed night");
        html.ShouldContain("Test Hall");
        // An API path the gateway owns is still the API's, not a page.
        using var api = await client.GetAsync(new Uri($"/api/events/{eventId}", UriKind.Relative), TestContext.Current.CancellationToken);
        api.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
    }
}
