using System.Text;
using BoxOffice.PaymentGateway.Simulation;
using BoxOffice.PaymentGateway.Storage;
using Microsoft.Extensions.Options;

namespace BoxOffice.PaymentGateway.Webhooks;

/// <summary>
/// Sends pending webhooks, signed, until the receiver answers 2xx. Failed sends are retried with
/// exponential backoff (1 s doubling, capped at 60 s) and given up after 20 attempts, about a
/// quarter of an hour; a given-up webhook stays in the table with its last error. The simulated
/// provider's faults apply: nothing is sent during its outage, and some delivered webhooks are
/// delivered again (<see cref="GatewayOptions.WebhookDuplicateRate"/>). A webhook delivered after a
/// later one about the same intent is counted as out of order.
/// </summary>
internal sealed partial class WebhookSender(
    GatewayDatabase db,
    WebhookOutbox outbox,
    SimulatedConditions conditions,
    WebhookTarget target,
    IHttpClientFactory httpClients,
    IOptions<GatewayOptions> options,
    TimeProvider time,
    ILogger<WebhookSender> logger) : BackgroundService
{
    public const string HttpClientName = "webhooks";
    public const int MaxAttempts = 20;

    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(60);

    // Retries come due without a wake-up; this is how late one may be noticed.
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    // Duplicates to send, owned by the sending loop: extras, kept in memory only (lost on a restart,
    // as a provider's redelivery may never come).
    private readonly List<(DateTimeOffset Due, long Seq, string? Intent, string Body)> _duplicates = [];

    internal static TimeSpan BackoffAfter(int attempts) =>
        TimeSpan.FromTicks(Math.Min(FirstBackoff.Ticks << Math.Min(attempts - 1, 20), MaxBackoff.Ticks));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // The provider is down: what is due waits, and goes out late once it is back.
                if (conditions.OutageLeft(time.GetUtcNow()) is null)
                {
                    await SendDueAsync(stoppingToken);
                    await SendDueDuplicatesAsync(stoppingToken);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogSweepFailed(logger, e);
            }

            await outbox.WaitAsync(Poll, stoppingToken);
        }
    }

    private async Task SendDueAsync(CancellationToken ct)
    {
        foreach (var (seq, id, body, attempts, intent) in await DueAsync(ct))
        {
            if (conditions.OutageLeft(time.GetUtcNow()) is not null)
            {
                return;
            }

            var error = await SendAsync(body, ct);
            var attempt = attempts + 1;
            await using var tx = await db.BeginAsync(ct);
            if (error is null)
            {
                if (await LaterOneDeliveredAsync(tx, seq, intent, ct))
                {
                    conditions.DeliveredOutOfOrder();
                }

                if (conditions.NextDuplicate() is { } after)
                {
                    _duplicates.Add((time.GetUtcNow() + after, seq, intent, body));
                    conditions.DuplicateScheduled();
                }

                await tx.ExecuteAsync("UPDATE webhooks SET attempts = @attempt, delivered_at = @now, last_error = NULL WHERE id = @id", ct,
                    ("@id", id), ("@attempt", attempt), ("@now", Timestamps.Format(time.GetUtcNow())));
            }
            else
            {
                var due = time.GetUtcNow() + BackoffAfter(attempt);
                await tx.ExecuteAsync("UPDATE webhooks SET attempts = @attempt, next_attempt_at = @due, last_error = @error WHERE id = @id", ct,
                    ("@id", id), ("@attempt", attempt), ("@due", due.ToUnixTimeMilliseconds()), ("@error", error));
                if (attempt >= MaxAttempts)
                {
                    LogGaveUp(logger, id, attempt, error);
                }
                else
                {
                    LogAttemptFailed(logger, id, attempt, error);
                }
            }

            await tx.CommitAsync(ct);
        }
    }

    private async Task SendDueDuplicatesAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var due = _duplicates.Where(d => d.Due <= now).ToList();
        _duplicates.RemoveAll(d => d.Due <= now);
        foreach (var (_, seq, intent, body) in due)
        {
            var delivered = await SendAsync(body, ct) is null;
            conditions.DuplicateSent(delivered);
            // A repeat of an earlier webhook after a later one (the abandoned challenge again after
            // the intent's cancel) is out of order too, as the receiver sees it.
            if (delivered)
            {
                await using var tx = await db.BeginAsync(ct);
                if (await LaterOneDeliveredAsync(tx, seq, intent, ct))
                {
                    conditions.DeliveredOutOfOrder();
                }
            }
        }
    }

    /// <summary>Whether a webhook about <paramref name="intent"/> written after the one at <paramref name="seq"/> was delivered already.</summary>
    private static async Task<bool> LaterOneDeliveredAsync(GatewayTransaction tx, long seq, string? intent, CancellationToken ct)
    {
        if (intent is null)
        {
            return false;
        }

        await using var command = tx.Command(
            "SELECT 1 FROM webhooks WHERE seq > @seq AND delivered_at IS NOT NULL AND json_extract(body, '$.data.id') = @intent LIMIT 1",
            ("@seq", seq), ("@intent", intent));
        return await command.ExecuteScalarAsync(ct) is not null;
    }

    private async Task<List<(long Seq, string Id, string Body, int Attempts, string? Intent)>> DueAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenReadAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT seq, id, body, attempts, json_extract(body, '$.data.id') FROM webhooks
            WHERE delivered_at IS NULL AND attempts < @max AND next_attempt_at <= @now
            ORDER BY seq LIMIT 100
            """;
        command.Parameters.AddWithValue("@max", MaxAttempts);
        command.Parameters.AddWithValue("@now", time.GetUtcNow().ToUnixTimeMilliseconds());
        var due = new List<(long, string, string, int, string?)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            due.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return due;
    }

    /// <summary>Sends one webhook; returns null on a 2xx, else what went wrong.</summary>
    private async Task<string?> SendAsync(string body, CancellationToken ct)
    {
        // Read on every attempt: an embedded host sets its address only after it has started.
        var url = options.Value.WebhookUrl ?? target.Url;
        if (url is not { IsAbsoluteUri: true })
        {
            return url is null
                ? "no webhook target is set (PaymentGateway:WebhookUrl or WebhookTarget.Url)"
                : $"the webhook target '{url}' is not an absolute URL";
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        // Signed at send time, as Stripe does, so the receiver can reject stale replays by t.
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(options.Value.WebhookSecret!, time.GetUtcNow().ToUnixTimeSeconds(), body));
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, ct);
            return response.IsSuccessStatusCode ? null : $"{url} answered {(int)response.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            return $"{url}: {e.Message}";
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {Id} attempt {Attempt} failed: {Error}; retrying with backoff")]
    private static partial void LogAttemptFailed(ILogger logger, string id, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook {Id} given up after {Attempts} attempts: {Error}")]
    private static partial void LogGaveUp(ILogger logger, string id, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook sweep failed; trying again shortly")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
