using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace BoxOffice.Notifications.Mail;

/// <summary>
/// Sends mails through an SMTP server with MailKit, one connection per batch. A 5xx answer to a
/// mail (550 mailbox unavailable, for example) is permanent for that mail; refused connections,
/// timeouts, dropped connections and 4xx answers are transient and retried later.
/// </summary>
internal sealed class SmtpRelay(SmtpOptions options) : IMailDelivery
{
    public async Task<IReadOnlyList<Delivery>> DeliverAsync(IReadOnlyList<(long NotificationId, MimeMessage Message)> mails, CancellationToken ct)
    {
        var results = new List<Delivery>(mails.Count);
        SmtpClient? client = null;
        try
        {
            foreach (var (_, message) in mails)
            {
                if (client is null)
                {
                    try
                    {
                        client = await ConnectAsync(ct);
                    }
                    catch (OperationCanceledException) when (ct.IsCancellationRequested)
                    {
                        break;
                    }
                    catch (Exception ex)
                    {
                        // The server cannot be reached: the rest of the batch need not each wait for a timeout to learn it.
                        var unreachable = Classify(ex);
                        while (results.Count < mails.Count)
                        {
                            results.Add(unreachable);
                        }

                        break;
                    }
                }

                try
                {
                    await client.SendAsync(message, ct);
                    results.Add(new Delivery.Sent());
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    // Stopping: the mails not answered for stay pending (a cut-off one may go twice, same Message-Id).
                    break;
                }
                catch (Exception ex)
                {
                    results.Add(Classify(ex));
                    // After a refusal the session's state is the server's business: start the next mail afresh.
                    client?.Dispose();
                    client = null;
                }
            }
        }
        finally
        {
            if (client is not null)
            {
                await QuitAsync(client);
            }
        }

        return results;
    }

    private async Task<SmtpClient> ConnectAsync(CancellationToken ct)
    {
        var client = new SmtpClient { Timeout = (int)options.Timeout.TotalMilliseconds };
        try
        {
            var security = !options.UseTls ? SecureSocketOptions.None
                : options.Port == 465 ? SecureSocketOptions.SslOnConnect
                : SecureSocketOptions.StartTls;
            await client.ConnectAsync(options.Host!, options.Port, security, ct);
            if (!string.IsNullOrEmpty(options.UserName))
            {
                await client.AuthenticateAsync(options.UserName, options.Password ?? string.Empty, ct);
            }

            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private static async Task QuitAsync(SmtpClient client)
    {
        try
        {
            using var quit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.DisconnectAsync(quit: true, quit.Token);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ProtocolException or OperationCanceledException or TimeoutException)
        {
            // The mails are sent; a failed goodbye changes nothing.
        }
        finally
        {
            client.Dispose();
        }
    }

    private static Delivery Classify(Exception error) => error switch
    {
        SmtpCommandException command when (int)command.StatusCode >= 500 =>
            new Delivery.Permanent($"{(int)command.StatusCode} {command.Message}"),
        SmtpCommandException command => new Delivery.Transient($"{(int)command.StatusCode} {command.Message}"),
        // Refused or dropped connections, timeouts, TLS and authentication trouble, and anything
        // unforeseen: the mail is kept and tried again; only the server's 5xx gives up on it.
        _ => new Delivery.Transient(error.GetType().Name + ": " + error.Message),
    };
}
