using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using BoxOffice.Notifications.Mail;
using BoxOffice.Notifications.Tests.Support;
using BoxOffice.Testing;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using netDumbster.smtp;

namespace BoxOffice.Notifications.Tests.Mail;

/// <summary>With an SMTP server, mails are relayed to it: once each, again after outages, never after a 5xx.</summary>
public sealed class MailingBySmtp
{
    [Fact]
    public async Task Bought_tickets_reach_the_smtp_server_once_with_a_QR_code_per_ticket()
    {
        var port = FreePort();
        using var smtp = SimpleSmtpServer.Start(port);
        await using var world = await NotificationsWorld.StartAsync(Smtp(port));
        var buyer = await world.RegisteredAsync();
        var hamlet = await world.HamletAsync();
        var acquired = Scenario.Acquired(buyer, hamlet, quantity: 2);

        await world.PublishAsync(acquired);

        await Eventually.HoldsAsync(world.MailsAsync, m => m.Count == 1 && m[0].Status == "sent", "the mail is marked sent");
        await LaterMailReachesAsync(world, hamlet, smtp);
        var received = MailsTo(smtp, buyer).ShouldHaveSingleItem();
        received.ToAddresses.ShouldHaveSingleItem().Address.ShouldBe(buyer.Email);
        using var message = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(received.Data)), TestContext.Current.CancellationToken);
        message.Subject.ShouldNotBeNull().ShouldContain("Hamlet");
        message.Attachments.OfType<MimePart>().Select(a => a.FileName).ShouldBe(acquired.TicketCodes.Select(c => c + ".png"), ignoreOrder: true);
        world.EmlFiles().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_mail_waits_out_an_smtp_outage_and_arrives_once()
    {
        var port = FreePort();
        await using var world = await NotificationsWorld.StartAsync(Smtp(port));
        var buyer = await world.RegisteredAsync();
        var hamlet = await world.HamletAsync();

        await world.PublishAsync(Scenario.Acquired(buyer, hamlet));
        var failing = await Eventually.HoldsAsync(world.MailsAsync, m => m.Count == 1 && m[0].Attempts >= 2, "the mail was tried while the server is down");
        failing[0].Status.ShouldBe("pending");
        failing[0].LastError.ShouldNotBeNullOrWhiteSpace();

        using var smtp = SimpleSmtpServer.Start(port);

        await Eventually.HoldsAsync(world.MailsAsync, m => m[0].Status == "sent", "the mail is sent once the server is up");
        await LaterMailReachesAsync(world, hamlet, smtp);
        MailsTo(smtp, buyer).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_mailbox_the_server_refuses_with_550_fails_the_mail_for_an_operator_to_see()
    {
        await using var stub = new RejectingSmtpServer();
        await using var world = await NotificationsWorld.StartAsync(Smtp(stub.Port));
        var buyer = await world.RegisteredAsync();
        var hamlet = await world.HamletAsync();

        await world.PublishAsync(Scenario.Acquired(buyer, hamlet));

        var failed = (await Eventually.HoldsAsync(world.MailsAsync, m => m.Count == 1 && m[0].Status == "failed", "the mail fails")).Single();
        failed.LastError.ShouldNotBeNull().ShouldStartWith("550");
        failed.Attempts.ShouldBe(1);
        // A later buyer's mail is refused too: once it has failed, the first was refused exactly once.
        var later = await world.RegisteredAsync("Later Buyer");
        await world.PublishAsync(Scenario.Acquired(later, hamlet));
        await Eventually.HoldsAsync(async () => await world.MailsOfAsync(later), m => m.Single().Status == "failed", "the later mail fails");
        stub.Rejections.ShouldBe(2);
        (await world.MailsOfAsync(buyer)).ShouldHaveSingleItem().Attempts.ShouldBe(1);
        var failedMails = await world.Services.GetRequiredService<FailedMails>().ListAsync(ct: TestContext.Current.CancellationToken);
        failedMails.Count.ShouldBe(2);
        var listed = failedMails.Single(m => m.NotificationId == failed.NotificationId);
        listed.To.ShouldBe(buyer.Email);
        listed.Error.ShouldNotBeNull().ShouldContain("Mailbox unavailable");
    }

    /// <summary>
    /// A later buyer's mail, queued after the one under test: once the server has it, the earlier mail
    /// has been sent as often as it ever will be.
    /// </summary>
    private static async Task LaterMailReachesAsync(NotificationsWorld world, BoxOffice.Contracts.Tickets.EventPublished show, SimpleSmtpServer smtp)
    {
        var later = await world.RegisteredAsync("Later Buyer");
        await world.PublishAsync(Scenario.Acquired(later, show));
        await Eventually.HoldsAsync(() => MailsTo(smtp, later), m => m.Count > 0, "the later mail reaches the server");
    }

    private static List<netDumbster.smtp.SmtpMessage> MailsTo(SimpleSmtpServer smtp, Buyer buyer) =>
        [.. smtp.ReceivedEmail.Where(m => m.ToAddresses.Any(a => a.Address == buyer.Email))];

    private static Dictionary<string, string?> Smtp(int port) => new()
    {
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = port.ToString(CultureInfo.InvariantCulture),
    };

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
