using BoxOffice.Messaging.Deciding;
using BoxOffice.Messaging.Storage;
using BoxOffice.Notifications.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Notifications.Mail;

/// <summary>A mail that will not be sent without an operator: the mails' dead letters.</summary>
internal sealed record FailedMail(long NotificationId, string UserId, string? To, string Kind, string Subject, int Attempts, string? Error, DateTimeOffset CreatedAt);

/// <summary>
/// For the host's operator API: the mails given up on (a 5xx from the server, or transient
/// failures past <c>MaxSendAttempts</c>), and sending one again after the cause was fixed.
/// </summary>
internal sealed class FailedMails(
    [FromKeyedServices(NotificationsSchema.Database)] ServiceDatabase database,
    NotificationWriter writer,
    TimeProvider time)
{
    public async Task<IReadOnlyList<FailedMail>> ListAsync(int limit = 100, CancellationToken ct = default)
    {
        await using var connection = await database.OpenReadAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT notification_id, user_id, to_address, kind, subject, attempts, last_error, created_at
            FROM mails WHERE status = 'failed' ORDER BY notification_id LIMIT @limit
            """;
        command.With("@limit", limit);
        var failed = new List<FailedMail>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            failed.Add(new FailedMail(
                reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7))));
        }

        return failed;
    }

    /// <summary>
    /// Makes a failed mail pending again, its address resolved afresh from the recipients (keeping its
    /// last error for the record); false when there is no such failed mail.
    /// </summary>
    public async Task<bool> RetryAsync(long notificationId, CancellationToken ct = default)
    {
        await using var tx = await database.BeginAsync(ct);
        var status = await tx.Command("SELECT status FROM mails WHERE notification_id = @id").With("@id", notificationId).ExecuteScalarAsync(ct) as string;
        var decision = DecideRetry(notificationId, status, time.GetUtcNow());
        if (decision.IsEmpty)
        {
            return false;
        }

        // The writer wakes the sender once this is committed.
        await tx.ApplyAsync(decision, writer, ct: ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>Only a failed mail is sent again; a pending or sent one (or none, <paramref name="status"/> null) decides nothing.</summary>
    public static Decision<NotificationChange> DecideRetry(long notificationId, string? status, DateTimeOffset now) =>
        status == "failed" ? Decision<NotificationChange>.Of(new NotificationChange.MailRetried(notificationId, now)) : Decision<NotificationChange>.None;
}
