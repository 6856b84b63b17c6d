using System.Net;
using System.Text.Json;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Notifications.Tests.Support;

namespace BoxOffice.Notifications.Tests.Feed;

public sealed class ReadingTheFeed
{
    [Fact]
    public async Task The_feed_lists_the_callers_notifications_newest_first_a_page_at_a_time()
    {
        await using var world = await NotificationsWorld.StartAsync();
        var buyer = await world.RegisteredAsync();
        var hamlet = await world.HamletAsync();
        var acquired = Scenario.Acquired(buyer, hamlet);
        // One after the other: the tickets and payments logs are read independently.
        await world.PublishAsync(acquired);
        await world.MailsOfAsync(buyer, 1);
        await world.PublishAsync(Scenario.Released(buyer, hamlet, ReleaseReason.Expired));
        await world.MailsOfAsync(buyer, 2);
        await world.PublishAsync(Scenario.Refunded(buyer, acquired.ReservationId));
        await world.MailsOfAsync(buyer, 3);

        var all = await FeedAsync(world, buyer, "");
        var first = await FeedAsync(world, buyer, "?page=1&pageSize=2");
        var second = await FeedAsync(world, buyer, "?page=2&pageSize=2");
        var beyond = await FeedAsync(world, buyer, "?page=3&pageSize=2");

        all.Select(e => e.GetProperty("kind").GetString()).ShouldBe(["payment-refunded", "tickets-released", "tickets-acquired"]);
        all.Select(e => e.GetProperty("id").GetInt64()).ShouldBeInOrder(SortDirection.Descending);
        first.Select(Id).ShouldBe(all.Take(2).Select(Id));
        second.Select(Id).ShouldBe(all.Skip(2).Select(Id));
        beyond.ShouldBeEmpty();
        var bought = all[2];
        bought.GetProperty("reservationId").GetGuid().ShouldBe(acquired.ReservationId);
        bought.GetProperty("text").GetString().ShouldStartWith("Your 2 tickets for Hamlet at Royal Court Theatre, London on Saturday 14 June 2031 at 19:30");
        bought.GetProperty("createdAt").GetDateTimeOffset().ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(-1));
    }

    [Fact]
    public async Task Nobody_sees_another_buyers_notifications()
    {
        await using var world = await NotificationsWorld.StartAsync();
        var ada = await world.RegisteredAsync("Ada");
        var grace = await world.RegisteredAsync("Grace");
        var hamlet = await world.HamletAsync();
        await world.PublishAsync(Scenario.Acquired(ada, hamlet));
        await world.PublishAsync(Scenario.Acquired(grace, hamlet));
        await world.PublishAsync(Scenario.Released(grace, hamlet, ReleaseReason.Cancelled));
        await world.MailsOfAsync(grace, 2);
        await world.MailsOfAsync(ada);

        (await FeedAsync(world, ada, "")).Count.ShouldBe(1);
        (await FeedAsync(world, grace, "")).Count.ShouldBe(2);
        (await FeedAsync(world, Scenario.NewBuyer(), "")).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("?page=0", "page")]
    [InlineData("?page=abc", "page")]
    [InlineData("?page=-1", "page")]
    [InlineData("?pageSize=0", "pageSize")]
    [InlineData("?pageSize=101", "pageSize")]
    [InlineData("?pageSize=ten", "pageSize")]
    [InlineData("?page=1.5&pageSize=20", "page")]
    public async Task A_page_that_is_not_a_whole_number_in_range_is_a_400_problem(string query, string field)
    {
        await using var world = await NotificationsWorld.StartAsync();

        using var response = await world.Http.SendAsync(world.Get("/api/me/notifications" + query, Scenario.NewBuyer()), TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        problem.RootElement.GetProperty("type").GetString().ShouldBe("https://boxoffice.local/problems/invalid-request");
        problem.RootElement.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue();
    }

    [Fact]
    public async Task The_feed_needs_a_signed_in_user()
    {
        await using var world = await NotificationsWorld.StartAsync();

        using var response = await world.Http.SendAsync(world.Get("/api/me/notifications", buyer: null), TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    private static long Id(JsonElement entry) => entry.GetProperty("id").GetInt64();

    private static async Task<List<JsonElement>> FeedAsync(NotificationsWorld world, Buyer buyer, string query)
    {
        using var response = await world.Http.SendAsync(world.Get("/api/me/notifications" + query, buyer), TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return [.. json.RootElement.EnumerateArray().Select(e => e.Clone())];
    }
}
