using System.Data.Common;
using System.Globalization;
using System.Text.Json.Nodes;
using BoxOffice.Messaging.Storage;
using BoxOffice.ServiceDefaults;

namespace BoxOffice.Host.Invariants;

/// <summary>
/// <c>GET /api/admin/invariants</c>, for operators (the organizer role): reads what every service of
/// the embedded host stored and the payment gateway's ledger, and answers each invariant of
/// <see cref="InvariantRules"/> with OK or the ids that break it. Tickets is read first and the ledger
/// after it, so a purchase Acquired in what was read has its charge in the ledger read; the other
/// services are read last and agree once their consumers have caught up (check at quiescence).
/// </summary>
internal static class CheckInvariants
{
    public const string Route = "/api/admin/invariants";

    public static IEndpointRouteBuilder MapCheckInvariants(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Route, HandleAsync)
            .RequireAuthorization(Roles.Organizer)
            .WithTags("Operations")
            .WithName("CheckInvariants")
            .WithSummary("Every invariant of the system (no oversell, one charge per purchase, refunds, final states, told once, points, recommendations): OK or the ids that break it")
            .Produces<InvariantReport>()
            .ProducesProblems(StatusCodes.Status400BadRequest, "invalid-request");
        return endpoints;
    }

    private static async Task<IResult> HandleAsync(int? graceSeconds, IServiceProvider services, IConfiguration configuration, IHttpClientFactory http, TimeProvider time, CancellationToken ct)
    {
        if (graceSeconds is < 0 or > 86_400)
        {
            return Problems.Validation(new Dictionary<string, string[]>(StringComparer.Ordinal)
            {
                ["graceSeconds"] = ["Give the seconds past a hold's end a Pending reservation is still tolerated, from 0 to 86400."],
            });
        }

        var facts = await LoadAsync(services, new Uri(configuration["Payments:GatewayUrl"]!), http, ct);
        return TypedResults.Ok(InvariantRules.Decide(facts, time.GetUtcNow(), TimeSpan.FromSeconds(graceSeconds ?? 60)));
    }

    public static async Task<InvariantFacts> LoadAsync(IServiceProvider services, Uri gateway, IHttpClientFactory http, CancellationToken ct)
    {
        var tickets = services.GetRequiredKeyedService<ServiceDatabase>("tickets");
        // Each of these is one statement: a consistent snapshot of its tables on SQLite and PostgreSQL alike.
        var types = await ReadAsync(tickets, """
            SELECT t.id, t.capacity, t.held, t.sold,
                   COALESCE(SUM(CASE WHEN r.status = 'Pending' THEN r.quantity END), 0),
                   COALESCE(SUM(CASE WHEN r.status = 'Acquired' THEN r.quantity END), 0)
            FROM ticket_types t LEFT JOIN reservations r ON r.ticket_type_id = t.id
            GROUP BY t.id, t.capacity, t.held, t.sold
            """, r => new TicketTypeFact(Guid.Parse(r.GetString(0)), Int(r, 1), Int(r, 2), Int(r, 3), Int(r, 4), Int(r, 5)), ct);
        var reservations = await ReadAsync(tickets, """
            SELECT r.id, r.user_id, r.status, r.quantity, r.amount, r.expires_at,
                   (SELECT COUNT(*) FROM tickets k WHERE k.reservation_id = r.id)
            FROM reservations r
            """, r => new ReservationFact(Guid.Parse(r.GetString(0)), Guid.Parse(r.GetString(1)), r.GetString(2), Int(r, 3),
                Convert.ToInt64(r.GetValue(4), CultureInfo.InvariantCulture), DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(r.GetValue(5), CultureInfo.InvariantCulture)), Int(r, 6)), ct);

        var ledger = new List<LedgerFact>();
        using (var client = http.CreateClient())
        {
            var entries = JsonNode.Parse(await client.GetStringAsync(new Uri(gateway, "/v1/ledger"), ct))!.AsArray();
            foreach (var entry in entries)
            {
                var reservation = (string?)entry!["reservationId"];
                ledger.Add(new LedgerFact((string)entry["kind"]!, Guid.TryParse(reservation, out var id) ? id : null, (long)entry["amount"]!));
            }
        }

        var told = await ReadAsync(services.GetRequiredKeyedService<ServiceDatabase>("notifications"), """
            SELECT f.reservation_id, COUNT(DISTINCT f.id), COUNT(m.notification_id)
            FROM feed f LEFT JOIN mails m ON m.notification_id = f.id
            WHERE f.kind = 'tickets-acquired' AND f.reservation_id IS NOT NULL
            GROUP BY f.reservation_id
            """, r => new ToldFact(Guid.Parse(r.GetString(0)), Int(r, 1), Int(r, 2)), ct);
        var loyalty = services.GetRequiredKeyedService<ServiceDatabase>("loyalty");
        var points = await ReadAsync(loyalty, "SELECT user_id, reservation_id, kind, points FROM points_history",
            r => new PointsFact(Guid.Parse(r.GetString(0)), Guid.Parse(r.GetString(1)), r.GetString(2), Convert.ToInt64(r.GetValue(3), CultureInfo.InvariantCulture)), ct);
        var balances = await ReadAsync(loyalty, "SELECT user_id, points FROM balances",
            r => (User: Guid.Parse(r.GetString(0)), Points: Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture)), ct);
        var purchases = await ReadAsync(services.GetRequiredKeyedService<ServiceDatabase>("recommendations"), "SELECT reservation_id FROM purchases",
            r => Guid.Parse(r.GetString(0)), ct);

        return new InvariantFacts(types, reservations, ledger, told, points, balances.ToDictionary(b => b.User, b => b.Points), purchases.ToHashSet());
    }

    private static int Int(DbDataReader reader, int ordinal) => Convert.ToInt32(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    private static async Task<List<T>> ReadAsync<T>(ServiceDatabase database, string sql, Func<DbDataReader, T> map, CancellationToken ct)
    {
        await using var connection = await database.OpenReadAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(map(reader));
        }

        return rows;
    }
}
