using System.Globalization;
using MimeKit;

namespace BoxOffice.Notifications.Mail;

/// <summary>How built mails leave this process: an SMTP server, or a folder of <c>.eml</c> files.</summary>
internal interface IMailDelivery
{
    /// <summary>
    /// Delivers the mails and says what became of each, in order; never throws for one mail's
    /// failure. When stopping it may answer for fewer mails than it was given.
    /// </summary>
    Task<IReadOnlyList<Delivery>> DeliverAsync(IReadOnlyList<(long NotificationId, MimeMessage Message)> mails, CancellationToken ct);
}

/// <summary>
/// No SMTP server configured: each mail is written as <c>{MailDirectory}/{notification id}.eml</c>.
/// It is written to a temporary name, flushed and renamed over the final one, so a crash never
/// leaves half a file and a retry of the same mail replaces its file rather than adding one.
/// </summary>
internal sealed class EmlDropFolder(string directory) : IMailDelivery
{
    public string Directory => directory;

    public async Task<IReadOnlyList<Delivery>> DeliverAsync(IReadOnlyList<(long NotificationId, MimeMessage Message)> mails, CancellationToken ct)
    {
        var results = new List<Delivery>(mails.Count);
        foreach (var (id, message) in mails)
        {
            try
            {
                System.IO.Directory.CreateDirectory(directory);
                var name = id.ToString(CultureInfo.InvariantCulture);
                var final = Path.Combine(directory, name + ".eml");
                var temporary = Path.Combine(directory, name + ".eml.tmp");
                await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 16 * 1024, useAsync: true))
                {
                    await message.WriteToAsync(file, ct);
                    file.Flush(flushToDisk: true);
                }

                File.Move(temporary, final, overwrite: true);
                results.Add(new Delivery.Sent());
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // A full disk or a permission problem can be fixed without losing the mail.
                results.Add(new Delivery.Transient(ex.GetType().Name + ": " + ex.Message));
            }
        }

        return results;
    }
}
