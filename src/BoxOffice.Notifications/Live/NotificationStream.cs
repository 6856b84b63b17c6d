using System.Globalization;
using System.Text;
using System.Text.Json;
using BoxOffice.Messaging.Storage;
using BoxOffice.Notifications.Feed;
using BoxOffice.Notifications.Storage;
using BoxOffice.ServiceDefaults;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BoxOffice.Notifications.Live;

/// <summary>
/// <c>GET /api/me/notifications/stream</c>: the caller's new notifications as Server-Sent Events,
/// each with its feed id as the SSE id. A client that reconnects with <c>Last-Event-ID</c> (or
/// <c>?lastEventId=</c>) first gets what it missed from the database, then live entries, with no
/// gap and no repeat: it subscribes before it reads the backlog, so an entry committed meanwhile
/// is in one or both, and the live copy of anything already sent is dropped by id.
/// </summary>
internal static partial class NotificationStream
{
    private const int BacklogPage = 200;
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(10);

    public static async Task<IResult> HandleAsync(
        HttpContext http,
        [FromKeyedServices(NotificationsSchema.Database)] ServiceDatabase database,
        NotificationBroadcaster broadcaster,
        IOptions<NotificationsOptions> options,
        IHostApplicationLifetime lifetime,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        string? raw = http.Request.Headers["Last-Event-ID"];
        if (string.IsNullOrEmpty(raw))
        {
            raw = http.Request.Query["lastEventId"];
        }

        long? lastEventId = null;
        if (!string.IsNullOrEmpty(raw))
        {
            if (!long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return Problems.Validation(new Dictionary<string, string[]>
                {
                    ["lastEventId"] = ["Last-Event-ID must be the id of a notification this stream sent (a whole number)."],
                });
            }

            lastEventId = parsed;
        }

        var user = http.User.UserId();
        using var subscription = broadcaster.TrySubscribe(user, ClientAddress.Of(http));
        if (subscription is null)
        {
            http.Response.Headers.RetryAfter = RetryAfter.TotalSeconds.ToString(CultureInfo.InvariantCulture);
            return Problems.Result(ProblemTypes.TooManyStreams,
                "Too many live notification streams are open; close one or try again later.");
        }

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var ct = stopping.Token;
        var logger = loggers.CreateLogger(typeof(NotificationStream));
        try
        {
            await StreamAsync(http, database, subscription, user, lastEventId, options.Value.HeartbeatInterval, time, logger, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away or the host is stopping; the client resumes with Last-Event-ID.
        }
        catch (IOException) when (ct.IsCancellationRequested || http.RequestAborted.IsCancellationRequested)
        {
            // The connection broke while writing.
        }

        return Results.Empty;
    }

    private static async Task StreamAsync(
        HttpContext http, ServiceDatabase database, LiveSubscription subscription, Guid user, long? lastEventId,
        TimeSpan heartbeat, TimeProvider time, ILogger logger, CancellationToken ct)
    {
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(ct);
        // Send the headers now: a client waits for them before it counts as connected.
        await response.Body.FlushAsync(ct);

        var sent = lastEventId ?? 0;
        if (lastEventId is not null)
        {
            sent = await ReplayAsync(response, database, user, sent, ct);
        }

        var entries = subscription.Entries;
        while (true)
        {
            bool open;
            using (var beat = new CancellationTokenSource(heartbeat, time))
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(ct, beat.Token))
            {
                try
                {
                    open = await entries.WaitToReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (beat.IsCancellationRequested && !ct.IsCancellationRequested)
                {
                    await response.WriteAsync(": heartbeat\n\n", ct);
                    await response.Body.FlushAsync(ct);
                    continue;
                }
            }

            if (!open)
            {
                if (subscription.Overflowed)
                {
                    LogFellBehind(logger, user, sent);
                }

                return;
            }

            while (entries.TryRead(out var entry))
            {
                // Already sent from the backlog (committed while it was read), or older than asked for.
                if (entry.Id > sent)
                {
                    await WriteAsync(response, entry, ct);
                    sent = entry.Id;
                }
            }

            await response.Body.FlushAsync(ct);
        }
    }

    private static async Task<long> ReplayAsync(HttpResponse response, ServiceDatabase database, Guid user, long after, CancellationToken ct)
    {
        await using var connection = await database.OpenReadAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {FeedEntry.Columns} FROM feed WHERE user_id = @user AND id > @after ORDER BY id LIMIT {BacklogPage}";
        command.With("@user", user.ToString("D"));
        var afterParameter = command.CreateParameter();
        afterParameter.ParameterName = "@after";
        command.Parameters.Add(afterParameter);
        while (true)
        {
            afterParameter.Value = after;
            var count = 0;
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    var entry = FeedEntry.Read(reader);
                    await WriteAsync(response, entry, ct);
                    after = entry.Id;
                    count++;
                }
            }

            await response.Body.FlushAsync(ct);
            if (count < BacklogPage)
            {
                return after;
            }
        }
    }

    private static Task WriteAsync(HttpResponse response, FeedEntry entry, CancellationToken ct)
    {
        var frame = new StringBuilder(256)
            .Append("id: ").Append(entry.Id.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("event: notification\n")
            .Append("data: ").Append(JsonSerializer.Serialize(entry, FeedJson.Default.FeedEntry)).Append("\n\n")
            .ToString();
        return response.WriteAsync(frame, ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Live notification stream of {UserId} fell behind after id {LastSent}; closed so the client resumes from there")]
    private static partial void LogFellBehind(ILogger logger, Guid userId, long lastSent);
}
