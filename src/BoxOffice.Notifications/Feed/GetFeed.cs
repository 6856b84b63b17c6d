using System.Globalization;
using BoxOffice.Messaging.Storage;
using BoxOffice.Notifications.Storage;
using BoxOffice.ServiceDefaults;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Notifications.Feed;

/// <summary><c>GET /api/me/notifications?page=1&amp;pageSize=20</c>: the caller's own notifications, newest first.</summary>
internal static class GetFeed
{
    public const int MaxPageSize = 100;

    public static async Task<IResult> HandleAsync(HttpContext http, [FromKeyedServices(NotificationsSchema.Database)] ServiceDatabase database)
    {
        // Read from the raw query so "abc" is our 400 problem rather than a binding failure.
        var errors = new Dictionary<string, string[]>();
        var page = Parse(http.Request.Query["page"], "page", 1, 1, int.MaxValue, errors);
        var pageSize = Parse(http.Request.Query["pageSize"], "pageSize", 20, 1, MaxPageSize, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var ct = http.RequestAborted;
        await using var connection = await database.OpenReadAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {FeedEntry.Columns} FROM feed WHERE user_id = @user ORDER BY id DESC LIMIT @take OFFSET @skip";
        command.With("@user", http.User.UserId().ToString("D")).With("@take", pageSize).With("@skip", (long)(page - 1) * pageSize);
        var entries = new List<FeedEntry>(pageSize);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            entries.Add(FeedEntry.Read(reader));
        }

        return TypedResults.Json<IReadOnlyList<FeedEntry>>(entries, FeedJson.Default.IReadOnlyListFeedEntry);
    }

    private static int Parse(string? raw, string name, int fallback, int min, int max, Dictionary<string, string[]> errors)
    {
        if (raw is null)
        {
            return fallback;
        }

        if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        errors[name] = [max == int.MaxValue
            ? $"{name} must be a whole number of at least {min.ToString(CultureInfo.InvariantCulture)}."
            : $"{name} must be a whole number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}."];
        return fallback;
    }
}
