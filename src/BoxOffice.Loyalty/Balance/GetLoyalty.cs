using System.Globalization;
using BoxOffice.Loyalty.Storage;
using BoxOffice.Messaging.Storage;
using BoxOffice.ServiceDefaults;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Loyalty.Balance;

internal sealed record PointsEntry(Guid ReservationId, string Kind, long Points, string Reason, DateTimeOffset OccurredAt);

internal sealed record LoyaltyView(long Points, IReadOnlyList<PointsEntry> History);

/// <summary><c>GET /api/me/loyalty</c>: the caller's points and how they came about, newest first.</summary>
internal static class GetLoyalty
{
    public static async Task<IResult> HandleAsync(HttpContext http, [FromKeyedServices(LoyaltySchema.Database)] ServiceDatabase loyalty)
    {
        var ct = http.RequestAborted;
        var user = http.User.UserId().ToString();
        await using var connection = await loyalty.OpenReadAsync(ct);
        await using var balance = connection.CreateCommand();
        balance.CommandText = "SELECT COALESCE((SELECT points FROM balances WHERE user_id = @user), 0)";
        balance.With("@user", user);
        var points = Convert.ToInt64(await balance.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);

        await using var history = connection.CreateCommand();
        history.CommandText = "SELECT reservation_id, kind, points, reason, occurred_at FROM points_history WHERE user_id = @user ORDER BY id DESC LIMIT 200";
        history.With("@user", user);
        var entries = new List<PointsEntry>();
        await using var reader = await history.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            entries.Add(new PointsEntry(Guid.Parse(reader.GetString(0)), reader.GetString(1), reader.GetInt64(2), reader.GetString(3),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4))));
        }

        return TypedResults.Ok(new LoyaltyView(points, entries));
    }
}
