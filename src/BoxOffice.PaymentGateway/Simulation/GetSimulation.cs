using BoxOffice.PaymentGateway.Storage;
using BoxOffice.PaymentGateway.Webhooks;

namespace BoxOffice.PaymentGateway.Simulation;

/// <summary>
/// What <c>GET /v1/simulation</c> answers: the fault schedule, every fault injected so far, and the
/// webhooks still to send (undelivered ones not given up, and scheduled duplicates).
/// </summary>
internal sealed record SimulationReport(
    DateTimeOffset? ClockStartedAt, DateTimeOffset? OutageFrom, DateTimeOffset? OutageUntil, FaultCounts Injected, long WebhooksPending);

/// <summary>
/// GET /v1/simulation: when the faults' clock started (the first payment API call), when its outage is, and how many faults it has
/// injected, by kind (since it started; not kept across restarts). The simulator's own inspection
/// endpoint, like the ledger: no latency, failure or outage applies to it. A test reads it to show
/// that the faults it asked for happened.
/// </summary>
internal static class GetSimulation
{
    public static RouteHandlerBuilder MapGetSimulation(this IEndpointRouteBuilder app) => app.MapGet("/simulation", HandleAsync);

    private static async Task<ApiResponse> HandleAsync(SimulatedConditions conditions, GatewayDatabase db, CancellationToken ct)
    {
        await using var connection = await db.OpenReadAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM webhooks WHERE delivered_at IS NULL AND attempts < @max";
        command.Parameters.AddWithValue("@max", WebhookSender.MaxAttempts);
        var undelivered = (long)(await command.ExecuteScalarAsync(ct))!;
        return ApiResponse.Ok(new SimulationReport(
            conditions.ClockStartedAt, conditions.Outage?.From, conditions.Outage?.Until, conditions.Counts, undelivered + conditions.DuplicatesPending));
    }
}
