using System.Net;
using System.Text.Json.Nodes;
using BoxOffice.Host.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BoxOffice.Host.Tests.Hosting;

public sealed class ServingTheApi(HostFixture fixture) : IClassFixture<HostFixture>
{
    [Fact]
    public async Task Outside_Development_the_OpenAPI_document_and_its_reference_page_are_not_served_by_default()
    {
        using var anonymous = fixture.App.Client();

        (await anonymous.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await anonymous.GetAsync(new Uri("/scalar", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        fixture.App.Services.GetRequiredService<IHostEnvironment>().IsDevelopment().ShouldBeFalse();
    }

    [Fact]
    public async Task The_first_start_seeds_an_organizer_and_a_catalog_of_twelve_events()
    {
        using var anonymous = fixture.App.Client();
        var events = (JsonArray)(await TestApp.Json(await anonymous.GetAsync(new Uri("/api/events", UriKind.Relative), TestContext.Current.CancellationToken)));

        // Nothing else in this class creates events: the catalog is the seed's alone.
        events.Count.ShouldBe(12);
        events.Select(e => e!["city"]!.GetValue<string>()).Distinct().Count().ShouldBe(9);
        events.Select(e => e!["category"]!.GetValue<string>()).Distinct().Count().ShouldBe(9);
        events.Count(e => e!["minimumAge"]!.GetValue<int>() >= 18).ShouldBe(4);
        events.ShouldAllBe(e => e!["ticketTypes"]!.AsArray().Count > 0);
        (await fixture.App.LoginAsync(TestApp.OrganizerEmail, TestApp.OrganizerPassword)).ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task The_OpenAPI_document_and_its_reference_page_are_served_when_switched_on()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { [EmbeddedHost.OpenApiEnabledKey] = "true" });
        using var anonymous = app.Client();

        var document = await anonymous.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken);
        document.StatusCode.ShouldBe(HttpStatusCode.OK);
        var paths = (await TestApp.Json(document))["paths"]!.AsObject().Select(p => p.Key).ToList();
        paths.ShouldContain("/api/reservations");
        paths.ShouldContain("/api/accounts/register");
        (await anonymous.GetAsync(new Uri("/scalar", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await anonymous.GetAsync(new Uri("/health/ready", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
