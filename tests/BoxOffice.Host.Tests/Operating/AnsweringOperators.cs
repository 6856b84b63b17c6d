using System.Net;
using System.Net.Http.Json;
using BoxOffice.Host.Tests.Support;

namespace BoxOffice.Host.Tests.Operating;

/// <summary>The operators' API refuses in the operator's words, never with exception text.</summary>
public sealed class AnsweringOperators(HostFixture fixture) : IClassFixture<HostFixture>
{
    [Fact]
    public async Task An_unknown_consumer_is_a_404_that_says_where_the_consumers_are_listed()
    {
        using var organizer = await fixture.App.OrganizerAsync();

        foreach (var response in new[]
        {
            await organizer.GetAsync(new Uri("/api/admin/messaging/consumers/nope/dead-letters", UriKind.Relative), TestContext.Current.CancellationToken),
            await organizer.PostAsync(new Uri("/api/admin/messaging/consumers/nope/dead-letters/1/redrive", UriKind.Relative), null, TestContext.Current.CancellationToken),
            await organizer.PostAsJsonAsync("/api/admin/messaging/consumers/nope/reset", new { beginning = true }, TestContext.Current.CancellationToken),
        })
        {
            await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
            (await TestApp.Json(response))["detail"]!.GetValue<string>().ShouldBe(
                "No consumer is named 'nope'. GET /api/admin/messaging/subscriptions lists the consumers.");
        }
    }

    [Fact]
    public async Task Loyalty_replays_from_the_beginning_only_and_says_so()
    {
        using var organizer = await fixture.App.OrganizerAsync();

        var atTime = await organizer.PostAsJsonAsync("/api/admin/messaging/consumers/loyalty/reset", new { at = DateTimeOffset.UtcNow.AddHours(-1) }, TestContext.Current.CancellationToken);
        var atSequence = await organizer.PostAsJsonAsync("/api/admin/messaging/consumers/loyalty/reset", new { source = "tickets", sequence = 1 }, TestContext.Current.CancellationToken);
        var fromBeginning = await organizer.PostAsJsonAsync("/api/admin/messaging/consumers/loyalty/reset", new { beginning = true }, TestContext.Current.CancellationToken);

        await atTime.ShouldBeProblemAsync(HttpStatusCode.Conflict, "replay-not-supported");
        await atSequence.ShouldBeProblemAsync(HttpStatusCode.Conflict, "replay-not-supported");
        (await TestApp.Json(atTime))["detail"]!.GetValue<string>().ShouldContain("{\"beginning\": true}");
        fromBeginning.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Every_consumer_that_keeps_no_totals_replays_from_a_time_and_from_a_sequence()
    {
        using var organizer = await fixture.App.OrganizerAsync();

        foreach (var consumer in new[] { "recommendations", "notifications" })
        {
            var atTime = await organizer.PostAsJsonAsync($"/api/admin/messaging/consumers/{consumer}/reset", new { at = DateTimeOffset.UtcNow.AddHours(-1) }, TestContext.Current.CancellationToken);
            var atSequence = await organizer.PostAsJsonAsync($"/api/admin/messaging/consumers/{consumer}/reset", new { source = "tickets", sequence = 1 }, TestContext.Current.CancellationToken);

            atTime.StatusCode.ShouldBe(HttpStatusCode.OK, await atTime.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            atSequence.StatusCode.ShouldBe(HttpStatusCode.OK, await atSequence.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task A_sequence_in_a_log_the_consumer_does_not_read_is_a_400_naming_the_source()
    {
        using var organizer = await fixture.App.OrganizerAsync();

        var response = await organizer.PostAsJsonAsync("/api/admin/messaging/consumers/recommendations/reset", new { source = "accounts", sequence = 1 }, TestContext.Current.CancellationToken);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain("reads no events from 'accounts'");
    }
}
