using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using BoxOffice.Contracts.Payments;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Notifications.Composing;
using MimeKit;
using QRCoder;

namespace BoxOffice.Notifications.Mail;

/// <summary>
/// Builds the MIME message of a mail: a text and an HTML body and, for bought tickets, one QR
/// code PNG per ticket, shown inline in the HTML and attached as <c>{code}.png</c>. The same mail
/// always yields the same Message-Id and Date, so a resend after a crash is recognisable.
/// </summary>
internal static class MailComposer
{
    // 10 px per module: a 25-module code is 290 px with its quiet zone, readable from a phone screen.
    private const int PixelsPerModule = 10;

    public static MimeMessage Build(OutgoingMail mail, MailboxAddress from)
    {
        ArgumentNullException.ThrowIfNull(mail);
        ArgumentNullException.ThrowIfNull(from);
        var message = new MimeMessage
        {
            MessageId = MessageIdOf(mail.NotificationId, from),
            Date = mail.CreatedAt,
            Subject = mail.Subject,
        };
        message.From.Add(from);
        message.To.Add(new MailboxAddress(mail.DisplayName ?? string.Empty, mail.To));

        var text = new StringBuilder();
        var html = new StringBuilder();
        var greeting = string.IsNullOrWhiteSpace(mail.DisplayName) ? "Hello," : $"Hello {mail.DisplayName},";
        text.Append(greeting).Append("\n\n").Append(mail.Text).Append("\n\n");
        html.Append("<!DOCTYPE html><html><body style=\"font-family: sans-serif\">")
            .Append("<p>").Append(Html(greeting)).Append("</p><p>").Append(Html(mail.Text)).Append("</p>");

        if (mail.Event is { } details)
        {
            var starts = Wording.When(details.StartsAt);
            text.Append("Event: ").Append(details.Name).Append('\n')
                .Append("Venue: ").Append(details.Venue).Append(", ").Append(details.City).Append('\n')
                .Append("Starts: ").Append(starts).Append("\n\n");
            html.Append("<table><tr><th align=\"left\">Event</th><td>").Append(Html(details.Name)).Append("</td></tr>")
                .Append("<tr><th align=\"left\">Venue</th><td>").Append(Html(details.Venue)).Append(", ").Append(Html(details.City)).Append("</td></tr>")
                .Append("<tr><th align=\"left\">Starts</th><td>").Append(Html(starts)).Append("</td></tr></table>");
        }

        var body = new BodyBuilder();
        switch (mail.Kind)
        {
            case Kinds.TicketsAcquired:
                AddTickets(mail, JsonSerializer.Deserialize(mail.Payload, TicketsAcquired.JsonTypeInfo)!, body, text, html);
                break;
            case Kinds.PaymentRequiresAction:
                var challenge = JsonSerializer.Deserialize(mail.Payload, PaymentRequiresAction.JsonTypeInfo)!.ChallengeUrl.ToString();
                text.Append("Confirm the payment: ").Append(challenge).Append("\n\n");
                html.Append("<p><a href=\"").Append(Html(challenge)).Append("\">Confirm the payment</a></p>");
                break;
        }

        text.Append("BoxOffice\n");
        html.Append("<p>BoxOffice</p></body></html>");
        body.TextBody = text.ToString();
        body.HtmlBody = html.ToString();
        message.Body = body.ToMessageBody();
        return message;
    }

    public static string MessageIdOf(long notificationId, MailboxAddress from)
    {
        ArgumentNullException.ThrowIfNull(from);
        var domain = string.IsNullOrEmpty(from.Domain) ? "boxoffice.local" : from.Domain;
        return $"notification-{notificationId.ToString(CultureInfo.InvariantCulture)}@{domain}";
    }

    private static void AddTickets(OutgoingMail mail, TicketsAcquired acquired, BodyBuilder body, StringBuilder text, StringBuilder html)
    {
        text.Append("Your ticket codes (show the QR code of each at the door; they are attached too):\n");
        html.Append("<h3>Your tickets</h3><p>Show the QR code of each ticket at the door.</p>");
        for (var i = 0; i < acquired.TicketCodes.Count; i++)
        {
            var code = acquired.TicketCodes[i];
            var png = QrPng(code);
            var inline = body.LinkedResources.Add("qr-" + code + ".png", png, new ContentType("image", "png"));
            inline.ContentId = $"ticket-{i.ToString(CultureInfo.InvariantCulture)}.notification-{mail.NotificationId.ToString(CultureInfo.InvariantCulture)}@boxoffice.local";
            body.Attachments.Add(code + ".png", png, new ContentType("image", "png"));
            text.Append("  ").Append(code).Append('\n');
            html.Append("<p><img src=\"cid:").Append(inline.ContentId).Append("\" alt=\"QR code of ticket ").Append(Html(code))
                .Append("\" width=\"240\" height=\"240\"><br><code>").Append(Html(code)).Append("</code></p>");
        }

        text.Append('\n');
    }

    private static byte[] QrPng(string code)
    {
        using var data = QRCodeGenerator.GenerateQrCode(code, QRCodeGenerator.ECCLevel.Q);
        using var png = new PngByteQRCode(data);
        return png.GetGraphic(PixelsPerModule);
    }

    private static string Html(string value) => WebUtility.HtmlEncode(value);
}
