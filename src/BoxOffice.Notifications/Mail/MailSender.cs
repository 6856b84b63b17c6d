using BoxOffice.Messaging;
using BoxOffice.Messaging.Storage;
using BoxOffice.Notifications.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BoxOffice.Notifications.Mail;

/// <summary>Wakes the mail sender.</summary>
internal sealed class MailSignal : WorkSignal;

/// <summary>
/// Sends the mails the database says are due, outside any transaction: a mail server may take
/// seconds, and the database's single write lock would hold up the consumer meanwhile. Each batch
/// is read, built, delivered, and then its outcomes decided and recorded in one short transaction. A crash
/// after delivering and before recording sends those mails again after the restart, with the same
/// Message-Id (and, for files, onto the same file): at least once, recognisably.
/// </summary>
internal sealed partial class MailSender(
    [FromKeyedServices(NotificationsSchema.Database)] ServiceDatabase database,
    IMailDelivery delivery,
    NotificationWriter writer,
    MailSignal signal,
    IOptions<NotificationsOptions> options,
    TimeProvider time,
    ILogger<MailSender> logger,
    WorkLoopServices loop) : WorkLoop("Sending due mails", loop)
{
    private const int BatchSize = 50;

    private readonly NotificationsOptions _options = options.Value;
    private readonly MailboxAddress _from = MailboxAddress.Parse(options.Value.From);

    protected override WorkSignal Signal => signal;

    protected override async Task<bool> DoDueWorkAsync(CancellationToken ct) => await SendDueAsync(ct) == BatchSize;

    /// <summary>Sends one batch of due mails and records what became of each; returns how many were due.</summary>
    internal async Task<int> SendDueAsync(CancellationToken ct)
    {
        var due = await OutgoingMails.DueAsync(database, time.GetUtcNow(), BatchSize, ct);
        if (due.Count == 0)
        {
            return 0;
        }

        var outcomes = new Delivery?[due.Count];
        var built = new List<(long NotificationId, MimeMessage Message)>(due.Count);
        var builtIndex = new List<int>(due.Count);
        for (var i = 0; i < due.Count; i++)
        {
            try
            {
                built.Add((due[i].NotificationId, MailComposer.Build(due[i], _from)));
                builtIndex.Add(i);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Building is deterministic: what fails now fails every time.
                outcomes[i] = new Delivery.Permanent("The mail could not be built: " + ex.Message);
            }
        }

        var delivered = await delivery.DeliverAsync(built, ct);
        for (var j = 0; j < delivered.Count; j++)
        {
            outcomes[builtIndex[j]] = delivered[j];
        }

        foreach (var message in built)
        {
            message.Message.Dispose();
        }

        // Recorded even while stopping: a delivered mail left pending would be delivered again.
        var attempted = new List<(OutgoingMail Mail, Delivery Outcome)>(due.Count);
        for (var i = 0; i < due.Count; i++)
        {
            if (outcomes[i] is { } outcome)
            {
                attempted.Add((due[i], outcome));
            }
        }

        await OutgoingMails.RecordAsync(database, writer, attempted, time.GetUtcNow(), _options, CancellationToken.None);
        foreach (var (mail, outcome) in attempted)
        {
            switch (outcome)
            {
                case Delivery.Sent:
                    LogSent(mail.NotificationId, mail.Kind);
                    break;
                case Delivery.Transient transient:
                    LogTransient(mail.NotificationId, mail.Attempts + 1, transient.Error);
                    break;
                case Delivery.Permanent permanent:
                    LogPermanent(mail.NotificationId, mail.To, permanent.Error);
                    break;
            }
        }

        return due.Count;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Mail of notification {NotificationId} ({Kind}) sent")]
    private partial void LogSent(long notificationId, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail of notification {NotificationId} not sent (attempt {Attempt}): {Error}; it is tried again later")]
    private partial void LogTransient(long notificationId, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Mail of notification {NotificationId} to {To} failed for good: {Error}")]
    private partial void LogPermanent(long notificationId, string to, string error);
}
