using System.Net;
using System.Text.Json.Nodes;
using BoxOffice.Host.Tests.Support;
using BoxOffice.Testing;
using MimeKit;

namespace BoxOffice.Host.Tests.Telling;

/// <summary>One purchase, and everything that follows from its events without Tickets knowing.</summary>
public sealed class APurchaseIsTold
{
    [Fact]
    public async Task A_purchase_yields_one_email_with_codes_and_QR_images_one_feed_entry_a_live_message_recommendations_and_points()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await TestApp.StartAsync();
        var (eventId, type) = await app.CreateEventAsync(capacity: 10, price: 3_000);
        var email = $"told-{Guid.NewGuid():N}@example.test";
        using var buyer = await app.BuyerAsync(email: email);

        // Live: the stream is open before the purchase.
        using var stream = await buyer.GetAsync(new Uri("/api/me/notifications/stream", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, ct);
        stream.StatusCode.ShouldBe(HttpStatusCode.OK);
        stream.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(ct));
        var live = ReadEventAsync(reader, "tickets-acquired", ct);

        var id = await buyer.ReserveAcceptedAsync(type, 2);
        var acquired = await buyer.UntilAsync(id, r => r.Status() == "Acquired", "the purchase is acquired");
        var codes = acquired["tickets"]!.AsArray().Select(t => t!["code"]!.GetValue<string>()).ToList();

        var pushed = await live.WaitAsync(TimeSpan.FromSeconds(20), ct);
        pushed["reservationId"]!.GetValue<Guid>().ShouldBe(id);

        // A later purchase is told after this one: once its mail and feed entry are there, this one's are
        // there as often as they will ever be.
        var laterId = await buyer.ReserveAcceptedAsync(type, 1);
        var laterCodes = (await buyer.UntilAsync(laterId, r => r.Status() == "Acquired", "the later purchase is acquired"))["tickets"]!.AsArray()
            .Select(t => t!["code"]!.GetValue<string>()).ToList();
        var mails = await Eventually.HoldsAsync(
            () => MailsToAsync(Path.Combine(app.DataDirectory, "mail"), email, ct),
            m => m.Any(mail => laterCodes.All(c => BodyOf(mail).Contains(c, StringComparison.Ordinal))),
            "the later purchase's mail is written");
        var feed = await Eventually.HoldsAsync(
            async () => (JsonArray)await TestApp.Json(await buyer.GetAsync(new Uri("/api/me/notifications", UriKind.Relative), ct)),
            f => f.Any(n => n!["reservationId"]?.GetValue<Guid>() == laterId),
            "the later purchase is in the feed");

        feed.Where(n => n!["kind"]!.GetValue<string>() == "tickets-acquired").Select(n => n!["reservationId"]!.GetValue<Guid>()).Order()
            .ShouldBe(new[] { id, laterId }.Order());
        mails.Count.ShouldBe(2);
        var mail = mails.Where(m => codes.All(c => BodyOf(m).Contains(c, StringComparison.Ordinal))).ShouldHaveSingleItem();
        // One QR code per ticket, attached as <code>.png (and shown inline in the HTML).
        mail.Attachments.OfType<MimePart>().Where(p => p.ContentType.MimeType == "image/png").Select(p => p.FileName).Order()
            .ShouldBe(codes.Select(c => c + ".png").Order());

        // Recommendations and loyalty follow from the same events on their own schedule: wait until
        // both consumers have applied everything, then look.
        using var organizer = await app.OrganizerAsync();
        await TestApp.CaughtUpAsync(organizer, "recommendations");
        await TestApp.CaughtUpAsync(organizer, "loyalty");

        var recommendations = (JsonArray)(await TestApp.Json(await buyer.GetAsync(new Uri("/api/me/recommendations?limit=5", UriKind.Relative), ct)));
        // The host seeds 12 upcoming events besides the one bought: the limit of 5 is filled.
        recommendations.Count.ShouldBe(5);
        recommendations.ShouldAllBe(r => r!["eventId"]!.GetValue<Guid>() != eventId);

        var loyalty = await TestApp.Json(await buyer.GetAsync(new Uri("/api/me/loyalty", UriKind.Relative), ct));
        loyalty["points"]!.GetValue<long>().ShouldBe(60 + 30);
    }

    private static async Task<JsonNode> ReadEventAsync(StreamReader reader, string kind, CancellationToken ct)
    {
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal) && JsonNode.Parse(line["data:".Length..]) is { } data
                && data["kind"]?.GetValue<string>() == kind)
            {
                return data;
            }
        }

        throw new InvalidOperationException("The stream ended.");
    }

    /// <summary>The .eml files with tickets addressed to one buyer, as they are now.</summary>
    private static async Task<List<MimeMessage>> MailsToAsync(string folder, string email, CancellationToken ct)
    {
        var mails = new List<MimeMessage>();
        foreach (var file in Directory.Exists(folder) ? Directory.GetFiles(folder, "*.eml") : [])
        {
            var message = await MimeMessage.LoadAsync(file, ct);
            if (message.To.Mailboxes.Any(m => m.Address == email) && message.BodyParts.OfType<MimePart>().Any(p => p.ContentType.MimeType == "image/png"))
            {
                mails.Add(message);
            }
        }

        return mails;
    }

    private static string BodyOf(MimeMessage mail) => mail.TextBody ?? mail.HtmlBody ?? string.Empty;
}
