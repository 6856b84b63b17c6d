using BoxOffice.PaymentGateway.Storage;

namespace BoxOffice.PaymentGateway.Idempotency;

/// <summary>The answer to an idempotent request, and whether this call is the one that executed it.</summary>
internal sealed record IdempotentOutcome(ApiResponse Response, bool Executed);

/// <summary>
/// Runs a request at most once per Idempotency-Key. The lookup, the work and the stored answer are
/// one write transaction, so concurrent requests with one key queue on the write lock and the later
/// ones find the first one's answer: only one of them ever charges.
/// </summary>
internal static class IdempotentRequests
{
    public static async Task<IdempotentOutcome> RunAsync(
        GatewayDatabase db,
        TimeProvider time,
        string key,
        string fingerprint,
        Func<GatewayTransaction, Task<ApiResponse>> execute,
        CancellationToken ct)
    {
        await using var tx = await db.BeginAsync(ct);
        await using (var find = tx.Command("SELECT fingerprint, status_code, body FROM idempotency WHERE key = @key", ("@key", key)))
        await using (var reader = await find.ExecuteReaderAsync(ct))
        {
            if (await reader.ReadAsync(ct))
            {
                return reader.GetString(0) == fingerprint
                    ? new IdempotentOutcome(new ApiResponse(reader.GetInt32(1), reader.GetString(2)), Executed: false)
                    : new IdempotentOutcome(ApiResponse.IdempotencyError(), Executed: false);
            }
        }

        var response = await execute(tx);
        if (!response.IsSuccess)
        {
            // A refused request changed nothing (disposing rolls back) and is not remembered, so
            // the caller can fix it and retry with the same key, as with Stripe's validation errors.
            return new IdempotentOutcome(response, Executed: false);
        }

        await tx.ExecuteAsync(
            "INSERT INTO idempotency (key, fingerprint, status_code, body, created_at) VALUES (@key, @fingerprint, @status, @body, @now)",
            ct,
            ("@key", key), ("@fingerprint", fingerprint), ("@status", response.StatusCode), ("@body", response.Body),
            ("@now", Timestamps.Format(time.GetUtcNow())));
        await tx.CommitAsync(ct);
        return new IdempotentOutcome(response, Executed: true);
    }
}
