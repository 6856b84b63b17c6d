using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Operations;
using BoxOffice.Notifications.Tests.Support;
using BoxOffice.Testing;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace BoxOffice.Notifications.Tests.Mail;

/// <summary>Without an SMTP server, mails are written as .eml files, once each.</summary>
public sealed class MailingFiles
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public async Task Bought_tickets_are_mailed_once_with_their_codes_the_event_and_a_QR_code_per_ticket()
    {
        await using var world = await NotificationsWorld.StartAsync();
        var buyer = await world.RegisteredAsync();
        var hamlet = await world.HamletAsync();
        var acquired = Scenario.Acquired(buyer, hamlet, quantity: 3);

        await world.PublishAsync(acquired);

        var file = (await Eventually.HoldsAsync(world.EmlFiles, f => f.Length > 0, "an .eml is written")).ShouldHaveSingleItem();
        var mail = (await world.MailsOfAsync(buyer)).ShouldHaveSingleItem();
        Path.GetFileName(file).ShouldBe($"{mail.NotificationId}.eml");
        (await Eventually.HoldsAsync(world.MailsAsync, m => m.All(r => r.Status == "sent"), "the mail is marked sent")).Count.ShouldBe(1);
        (await world.FeedCountAsync()).ShouldBe(1);

        using var message = await MimeMessage.LoadAsync(file, TestContext.Current.CancellationToken);
        message.To.Mailboxes.ShouldHaveSingleItem().Address.ShouldBe(buyer.Email);
        message.From.Mailboxes.ShouldHaveSingleItem().Address.ShouldBe("tickets@boxoffice.local");
        message.MessageId.ShouldBe($"notification-{mail.NotificationId}@boxoffice.local");
        message.Subject.ShouldNotBeNull().ShouldContain("Hamlet");
        foreach (var body in new[] { message.TextBody, message.HtmlBody })
        {
            body.ShouldNotBeNull().ShouldContain("Hamlet");
            body.ShouldContain("Royal Court Theatre");
            body.ShouldContain("Saturday 14 June 2031 at 19:30");
            foreach (var code in acquired.TicketCodes)
            {
                body.ShouldContain(code);
            }
        }

        var attachments = message.Attachments.OfType<MimePart>().ToList();
        attachments.Select(a => a.FileName).ShouldBe(acquired.TicketCodes.Select(c => c + ".png"), ignoreOrder: true);
        foreach (var png in attachments)
        {
            png.ContentType.MimeType.ShouldBe("image/png");
            Bytes(png).Take(8).ShouldBe(PngSignature);
        }

        // The HTML shows each code inline, from a part of the message.
        var inline = message.BodyParts.OfType<MimePart>().Where(p => p.ContentId is not null && !p.IsAttachment).ToList();
        inline.Count.ShouldBe(3);
        foreach (var part in inline)
        {
            message.HtmlBody.ShouldNotBeNull().ShouldContain("cid:" + part.ContentId);
            Bytes(part).Take(8).ShouldBe(PngSignature);
        }
    }

    [Fact]
    public async Task After_a_restart_nothing_is_told_or_mailed_again()
    {
        await using var world = await NotificationsWorld.StartAsync();
        var buyer = await world.RegisteredAsync();
        var hamlet = await world.HamletAsync();
        await world.PublishAsync(Scenario.Acquired(buyer, hamlet));
        await Eventually.HoldsAsync(world.MailsAsync, m => m.Count == 1 && m[0].Status == "sent", "the mail is sent");

        await world.RestartAsync();
        // A later fact shows the consumer has caught up after the restart.
        var later = await world.RegisteredAsync("Grace Hopper");
        await world.PublishAsync(Scenario.Acquired(later, hamlet));
        await world.MailsOfAsync(later);
        await Eventually.HoldsAsync(world.EmlFiles, f => f.Length == 2, "the later mail is written");

        (await world.MailsOfAsync(buyer)).ShouldHaveSingleItem().Status.ShouldBe("sent");
        (await world.FeedCountAsync()).ShouldBe(2);
        world.EmlFiles().Length.ShouldBe(2);
    }

    [Fact]
    public async Task A_replay_from_the_beginning_rebuilds_what_it_knows_without_telling_anything_again()
    {
        await using var world = await NotificationsWorld.StartAsync();
        var buyer = await world.RegisteredAsync();
        var hamlet = await world.HamletAsync();
        await world.PublishAsync(Scenario.Acquired(buyer, hamlet));
        var before = await Eventually.HoldsAsync(world.MailsAsync, m => m.Count == 1 && m[0].Status == "sent", "the mail is sent");

        await world.Services.GetRequiredService<MessagingAdmin>().ResetAsync("notifications", ReplayFrom.Beginning, TestContext.Current.CancellationToken);
        await Eventually.HoldsAsync(
            async () => (await world.Services.GetRequiredService<MessagingAdmin>().SubscriptionsAsync(TestContext.Current.CancellationToken))
                .Where(s => s.Consumer == "notifications").All(s => s.Lag == 0),
            caughtUp => caughtUp,
            "the replay has caught up");
        // A buyer the rebuilt recipients know again, and a mail for them, show the replay ran.
        var later = await world.RegisteredAsync("Grace Hopper");
        await world.PublishAsync(Scenario.Acquired(later, hamlet));
        await Eventually.HoldsAsync(world.EmlFiles, f => f.Length == 2, "the later mail is written");

        (await world.MailsOfAsync(buyer)).ShouldBe(before);
        (await world.FeedCountAsync()).ShouldBe(2);
    }

    [Fact]
    public async Task The_same_fact_published_twice_is_told_once()
    {
        await using var world = await NotificationsWorld.StartAsync();
        var buyer = await world.RegisteredAsync();
        var hamlet = await world.HamletAsync();
        var acquired = Scenario.Acquired(buyer, hamlet);

        await world.PublishAsync(acquired);
        await world.PublishAsync(acquired);
        var marker = await world.RegisteredAsync("Marker");
        await world.PublishAsync(Scenario.Released(marker, hamlet, BoxOffice.Contracts.Tickets.ReleaseReason.Expired));
        await world.MailsOfAsync(marker);

        (await world.MailsOfAsync(buyer)).Count.ShouldBe(1);
        (await world.FeedCountAsync()).ShouldBe(2);
    }

    [Fact]
    public async Task A_mail_for_a_buyer_not_known_yet_waits_for_their_address_and_then_goes_out()
    {
        await using var world = await NotificationsWorld.StartAsync();
        var buyer = Scenario.NewBuyer();
        var hamlet = await world.HamletAsync();

        await world.PublishAsync(Scenario.Acquired(buyer, hamlet));

        var parked = (await world.MailsOfAsync(buyer)).ShouldHaveSingleItem();
        parked.Status.ShouldBe("pending");
        parked.To.ShouldBeNull();
        // A known buyer's mail, queued after it, goes out: the sender has passed the parked one by.
        var known = await world.RegisteredAsync("Known Buyer");
        await world.PublishAsync(Scenario.Acquired(known, hamlet));
        await Eventually.HoldsAsync(async () => await world.MailsOfAsync(known), m => m.Single().Status == "sent", "the known buyer's mail is sent");
        world.EmlFiles().ShouldHaveSingleItem();
        (await world.MailsOfAsync(buyer)).ShouldHaveSingleItem().Attempts.ShouldBe(0);

        await world.RegisterAsync(buyer);

        var sent = (await Eventually.HoldsAsync(async () => await world.MailsOfAsync(buyer), m => m.Single().Status == "sent", "the mail is sent")).Single();
        sent.To.ShouldBe(buyer.Email);
        sent.Attempts.ShouldBe(1);
        world.EmlFiles().Length.ShouldBe(2);
    }

    private static byte[] Bytes(MimePart part)
    {
        using var stream = new MemoryStream();
        part.Content.ShouldNotBeNull().DecodeTo(stream);
        return stream.ToArray();
    }
}
