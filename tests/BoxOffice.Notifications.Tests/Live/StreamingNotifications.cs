using System.Net;
using System.Text.Json;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Notifications.Tests.Support;
using BoxOffice.Testing;

namespace BoxOffice.Notifications.Tests.Live;

public sealed class StreamingNotifications
{
    [Fact]
    public async Task A_new_notification_is_pushed_to_its_buyers_stream_with_its_feed_id()
    {
        await using var world = await NotificationsWorld.StartAsync();
        var buyer = await world.RegisteredAsync();
        var other = await world.RegisteredAsync("Someone Else");
        var hamlet = await world.HamletAsync();
        using var stream = await SseClient.ConnectAsync(world, buyer);

        await world.PublishAsync(Scenario.Acquired(other, hamlet));
        var acquired = Scenario.Acquired(buyer, hamlet);
        await world.PublishAsync(acquired);

        var frame = await stream.NextAsync();
        var mail = (await world.MailsOfAsync(buyer)).Single();
        frame.Event.ShouldBe("notification");
        frame.Id.ShouldBe(mail.NotificationId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        frame.Json.GetProperty("id").GetInt64().ShouldBe(mail.NotificationId);
        frame.Json.GetProperty("kind").GetString().ShouldBe("tickets-acquired");
        frame.Json.GetProperty("reservationId").GetGuid().ShouldBe(acquired.ReservationId);
        frame.Json.GetProperty("text").GetString().ShouldBe(mail.Text);

        // Another buyer's later notification, then this buyer's: the next frame is this buyer's.
        await world.PublishAsync(Scenario.Acquired(other, hamlet));
        var next = Scenario.Acquired(buyer, hamlet);
        await world.PublishAsync(next);
        (await stream.NextAsync()).Json.GetProperty("reservationId").GetGuid().ShouldBe(next.ReservationId, "another buyer's notification is not pushed here");
    }

    [Fact]
    public async Task Reconnecting_with_the_last_event_id_delivers_what_was_missed_then_live_ones_without_repeats()
    {
        await using var world = await NotificationsWorld.StartAsync();
        var buyer = await world.RegisteredAsync();
        var hamlet = await world.HamletAsync();
        string seen;
        using (var first = await SseClient.ConnectAsync(world, buyer))
        {
            await world.PublishAsync(Scenario.Acquired(buyer, hamlet));
            seen = (await first.NextAsync()).Id!;
        }

        // Missed while disconnected.
        await world.PublishAsync(Scenario.Released(buyer, hamlet, ReleaseReason.Expired));
        await world.PublishAsync(Scenario.Released(buyer, hamlet, ReleaseReason.Cancelled));
        await world.MailsOfAsync(buyer, 3);

        using var again = await SseClient.ConnectAsync(world, buyer, lastEventId: seen);
        var missed = new[] { await again.NextAsync(), await again.NextAsync() };
        await world.PublishAsync(Scenario.Released(buyer, hamlet, ReleaseReason.PaymentFailed, "insufficient funds"));
        var live = await again.NextAsync();

        var ids = (await world.MailsOfAsync(buyer, 4)).Select(m => m.NotificationId.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        missed.Select(f => f.Id).ShouldBe(ids.Skip(1).Take(2));
        live.Id.ShouldBe(ids[3]);
        live.Json.GetProperty("text").GetString()!.ShouldContain("declined");

        // A later notification is the next frame: nothing was sent twice before it.
        var marker = Scenario.Acquired(buyer, hamlet);
        await world.PublishAsync(marker);
        (await again.NextAsync()).Json.GetProperty("reservationId").GetGuid().ShouldBe(marker.ReservationId, "nothing is sent twice");
    }

    [Fact]
    public async Task A_browser_may_give_the_last_event_id_in_the_query()
    {
        await using var world = await NotificationsWorld.StartAsync();
        var buyer = await world.RegisteredAsync();
        var hamlet = await world.HamletAsync();
        await world.PublishAsync(Scenario.Acquired(buyer, hamlet));
        await world.PublishAsync(Scenario.Released(buyer, hamlet, ReleaseReason.Expired));
        var mails = await world.MailsOfAsync(buyer, 2);

        using var stream = await SseClient.ConnectAsync(world, buyer, query: $"?lastEventId={mails[0].NotificationId}");

        (await stream.NextAsync()).Id.ShouldBe(mails[1].NotificationId.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_quiet_stream_sends_heartbeats()
    {
        await using var world = await NotificationsWorld.StartAsync(new() { ["HeartbeatInterval"] = "00:00:00.100" });
        var buyer = await world.RegisteredAsync();
        using var stream = await SseClient.ConnectAsync(world, buyer);

        var frame = await stream.NextAsync(heartbeats: true, timeout: TimeSpan.FromSeconds(5));

        frame.Comment.ShouldBe("heartbeat");
        frame.Event.ShouldBeNull();
    }

    [Fact]
    public async Task The_stream_needs_a_signed_in_user()
    {
        await using var world = await NotificationsWorld.StartAsync();

        using var response = await world.Http.SendAsync(world.Get("/api/me/notifications/stream", buyer: null), TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Streams_beyond_a_buyers_cap_are_refused_with_429_too_many_streams()
    {
        await using var world = await NotificationsWorld.StartAsync(new() { ["MaxStreamsPerUser"] = "2" });
        var buyer = await world.RegisteredAsync();
        var other = await world.RegisteredAsync("Other");
        using var one = await SseClient.ConnectAsync(world, buyer);
        using var two = await SseClient.ConnectAsync(world, buyer);

        using var third = await world.Http.SendAsync(
            world.Get("/api/me/notifications/stream", buyer), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);

        third.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        third.Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldBe(TimeSpan.FromSeconds(10));
        using var problem = JsonDocument.Parse(await third.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        problem.RootElement.GetProperty("type").GetString().ShouldBe("https://boxoffice.local/problems/too-many-streams");
        using var othersStream = await SseClient.ConnectAsync(world, other);
    }

    [Fact]
    public async Task Many_accounts_from_one_address_cannot_hold_more_than_the_address_cap()
    {
        await using var world = await NotificationsWorld.StartAsync(new() { ["MaxStreamsPerUser"] = "5", ["MaxStreamsPerAddress"] = "3" });
        var throwaways = new List<Buyer>();
        for (var i = 0; i < 4; i++)
        {
            throwaways.Add(await world.RegisteredAsync("Throwaway " + i));
        }

        using var one = await SseClient.ConnectAsync(world, throwaways[0]);
        using var two = await SseClient.ConnectAsync(world, throwaways[1]);
        using var three = await SseClient.ConnectAsync(world, throwaways[2]);

        using var fourth = await world.Http.SendAsync(
            world.Get("/api/me/notifications/stream", throwaways[3]), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);

        fourth.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        using var problem = JsonDocument.Parse(await fourth.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        problem.RootElement.GetProperty("type").GetString().ShouldBe("https://boxoffice.local/problems/too-many-streams");
        var broadcaster = world.Services.GetService(typeof(BoxOffice.Notifications.Live.NotificationBroadcaster)) as BoxOffice.Notifications.Live.NotificationBroadcaster;
        broadcaster!.OpenStreams.ShouldBe(3);
    }

    [Fact]
    public async Task A_closed_stream_frees_its_place()
    {
        await using var world = await NotificationsWorld.StartAsync(new() { ["MaxStreamsPerUser"] = "1" });
        var buyer = await world.RegisteredAsync();
        using (await SseClient.ConnectAsync(world, buyer))
        {
        }

        var broadcaster = world.Services.GetService(typeof(BoxOffice.Notifications.Live.NotificationBroadcaster)) as BoxOffice.Notifications.Live.NotificationBroadcaster;
        await Eventually.HoldsAsync(() => broadcaster!.OpenStreams, n => n == 0, "the closed stream is let go");

        using var next = await SseClient.ConnectAsync(world, buyer);
    }
}
