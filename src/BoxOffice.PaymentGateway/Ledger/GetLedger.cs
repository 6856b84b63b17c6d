using BoxOffice.PaymentGateway.Storage;

namespace BoxOffice.PaymentGateway.Ledger;

/// <summary>GET /v1/ledger?reservationId=…: every charge and refund, oldest first.</summary>
internal static class GetLedger
{
    public static RouteHandlerBuilder MapGetLedger(this IEndpointRouteBuilder app) => app.MapGet("/ledger", HandleAsync);

    private static async Task<ApiResponse> HandleAsync(string? reservationId, GatewayDatabase db, CancellationToken ct)
    {
        await using var connection = await db.OpenReadAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT kind, id, payment_intent, amount, currency, reservation_id, at FROM ledger
            WHERE @reservation IS NULL OR reservation_id = @reservation
            ORDER BY seq
            """;
        command.Parameters.AddWithValue("@reservation", string.IsNullOrEmpty(reservationId) ? DBNull.Value : reservationId);
        var entries = new List<LedgerEntry>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            entries.Add(new LedgerEntry(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), Timestamps.Parse(reader.GetString(6))));
        }

        return ApiResponse.Ok(entries);
    }
}
