using System.Data.Common;
using System.Globalization;
using BoxOffice.Messaging.Storage;
using BoxOffice.Recommendations.Storage;
using BoxOffice.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace BoxOffice.Recommendations.Ranking;

/// <summary>
/// <c>GET /api/me/recommendations?limit=N</c>: upcoming events the signed-in buyer may like, best
/// first. Loads only what this buyer's ranking needs (their events, the co-buyer counts of those,
/// the upcoming catalog with buyer counts) in one read snapshot, then ranks with <see cref="Recommender"/>.
/// </summary>
internal static class GetRecommendations
{
    public const string Route = "/api/me/recommendations";
    public const int DefaultLimit = 10;
    public const int MaxLimit = 50;

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(Route, HandleAsync).RequireAuthorization().WithTags("Recommendations")
            .WithName("GetRecommendations")
            .WithSummary("Upcoming events you may like, best first")
            .WithQueryParameter("limit", $"How many, 1 to {MaxLimit} (default {DefaultLimit}).", integer: true)
            .Produces<IReadOnlyList<Recommendation>>()
            .ProducesProblems(StatusCodes.Status400BadRequest, "invalid-request");

    public static async Task<IResult> HandleAsync(
        HttpContext http, [FromKeyedServices(RecommendationsSchema.Database)] ServiceDatabase database, TimeProvider time)
    {
        // Read by hand rather than bound: "limit=abc" must be a 400 problem like any other bad value.
        if (ReadLimit(http.Request.Query["limit"]) is not { } limit)
        {
            var message = $"limit must be a whole number from 1 to {MaxLimit.ToString(CultureInfo.InvariantCulture)}.";
            return Problems.Validation(new Dictionary<string, string[]>(StringComparer.Ordinal) { ["limit"] = [message] }, message);
        }

        var ct = http.RequestAborted;
        await using var connection = await database.OpenReadAsync(ct);
        var input = await LoadAsync(connection, http.User.UserId(), http.User.BirthDateOf(), time.GetUtcNow(), limit, ct);
        return TypedResults.Ok(Recommender.Recommend(input));
    }

    /// <summary>The limit asked for, the default when absent, or null when it is not a whole number in range.</summary>
    public static int? ReadLimit(StringValues values)
    {
        if (values.Count == 0)
        {
            return DefaultLimit;
        }

        return values.Count == 1
            && int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var limit)
            && limit is >= 1 and <= MaxLimit
            ? limit
            : null;
    }

    public static async Task<RankingInput> LoadAsync(
        DbConnection connection, Guid user, DateOnly? birthDate, DateTimeOffset now, int limit, CancellationToken ct)
    {
        // One read transaction: the counts and the catalog come from the same snapshot even while
        // the consumer commits batches.
        await using var snapshot = await connection.BeginTransactionAsync(ct);
        var parameters = new (string, object?)[] { ("@user", user.ToString("D")), ("@now", RecommendationsSchema.Ms(now)) };

        var bought = new List<Guid>();
        await ReadAsync(snapshot, "SELECT event_id FROM event_buyers WHERE user_id = @user", parameters,
            r => bought.Add(Guid.Parse(r.GetString(0))), ct);

        // Upcoming events (the candidates) and the buyer's own events (for their facts).
        const string Wanted = "e.starts_at > @now OR e.event_id IN (SELECT event_id FROM event_buyers WHERE user_id = @user)";
        var performers = new Dictionary<Guid, List<string>>();
        await ReadAsync(snapshot, $"""
                SELECT p.event_id, p.performer FROM event_performers p JOIN events e ON e.event_id = p.event_id
                WHERE {Wanted} ORDER BY p.event_id, p.performer
                """, parameters,
            r =>
            {
                var id = Guid.Parse(r.GetString(0));
                if (!performers.TryGetValue(id, out var list))
                {
                    performers[id] = list = [];
                }

                list.Add(r.GetString(1));
            }, ct);

        var catalog = new List<CatalogEvent>();
        await ReadAsync(snapshot, $"""
                SELECT e.event_id, e.name, e.city, e.category, e.starts_at, e.minimum_age,
                       (SELECT COUNT(*) FROM event_buyers b WHERE b.event_id = e.event_id)
                FROM events e WHERE {Wanted} ORDER BY e.event_id
                """, parameters,
            r =>
            {
                var id = Guid.Parse(r.GetString(0));
                catalog.Add(new CatalogEvent(id, r.GetString(1), r.GetString(2), r.GetString(3),
                    performers.TryGetValue(id, out var list) ? list : [],
                    DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)), r.GetInt32(5), r.GetInt32(6)));
            }, ct);

        // For each of the buyer's events X and each upcoming event Y: how many other people bought
        // both. Walks X's buyers by the event index and their events by the primary key.
        var coPurchases = new List<CoPurchase>();
        if (bought.Count > 0)
        {
            await ReadAsync(snapshot, """
                    SELECT mine.event_id, other.event_id, COUNT(*),
                           (SELECT COUNT(*) FROM event_buyers n WHERE n.event_id = mine.event_id)
                    FROM event_buyers mine
                    JOIN event_buyers co ON co.event_id = mine.event_id AND co.user_id <> mine.user_id
                    JOIN event_buyers other ON other.user_id = co.user_id AND other.event_id <> mine.event_id
                    JOIN events e ON e.event_id = other.event_id AND e.starts_at > @now
                    WHERE mine.user_id = @user
                    GROUP BY mine.event_id, other.event_id
                    """, parameters,
                r => coPurchases.Add(new CoPurchase(Guid.Parse(r.GetString(0)), Guid.Parse(r.GetString(1)), r.GetInt32(2), r.GetInt32(3))), ct);
        }

        return new RankingInput(catalog, bought, coPurchases, birthDate, now, limit);
    }

    private static async Task ReadAsync(DbTransaction snapshot, string sql, (string Name, object? Value)[] parameters, Action<DbDataReader> row, CancellationToken ct)
    {
        await using var command = snapshot.Connection!.CreateCommand();
        command.Transaction = snapshot;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            if (sql.Contains(name, StringComparison.Ordinal))
            {
                command.With(name, value);
            }
        }

        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            row(reader);
        }
    }
}
