using System.Text.Json;
using System.Text.Json.Serialization;
using BoxOffice.PaymentGateway.Storage;
using Microsoft.Data.Sqlite;

namespace BoxOffice.PaymentGateway.PaymentIntents;

internal static class IntentStatus
{
    public const string Succeeded = "succeeded";
    public const string RequiresAction = "requires_action";
    public const string Declined = "declined";

    /// <summary>After the customer cancelled the challenge.</summary>
    public const string Failed = "failed";

    /// <summary>The merchant cancelled the intent: it can no longer be paid.</summary>
    public const string Canceled = "canceled";
}

/// <summary>A payment intent as the API shows it. Metadata keys are kept sorted (ordinal).</summary>
internal sealed record PaymentIntent(
    string Id,
    string Status,
    long Amount,
    string Currency,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ChallengeUrl,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DeclineReason,
    SortedDictionary<string, JsonElement> Metadata)
{
    [JsonIgnore]
    public string? ReservationId => Metadata.TryGetValue("reservationId", out var value)
        ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
        : null;

    /// <summary>The intent as GET shows it: the challenge link only while it can still be answered.</summary>
    public PaymentIntent Current() => Status == IntentStatus.RequiresAction ? this : this with { ChallengeUrl = null };
}

internal static class Intents
{
    private const string Select = "SELECT id, status, amount, currency, challenge_url, decline_reason, metadata FROM intents WHERE id = @id";

    public static async Task InsertAsync(GatewayTransaction tx, PaymentIntent intent, string token, DateTimeOffset now, CancellationToken ct) =>
        await tx.ExecuteAsync(
            """
            INSERT INTO intents (id, status, amount, currency, token, metadata, challenge_url, decline_reason, created_at, updated_at)
            VALUES (@id, @status, @amount, @currency, @token, @metadata, @challenge, @decline, @now, @now)
            """,
            ct,
            ("@id", intent.Id), ("@status", intent.Status), ("@amount", intent.Amount), ("@currency", intent.Currency),
            ("@token", token), ("@metadata", JsonSerializer.Serialize(intent.Metadata, ApiResponse.Json)),
            ("@challenge", intent.ChallengeUrl), ("@decline", intent.DeclineReason), ("@now", Timestamps.Format(now)));

    public static Task UpdateStatusAsync(GatewayTransaction tx, string id, string status, string? declineReason, DateTimeOffset now, CancellationToken ct) =>
        tx.ExecuteAsync(
            "UPDATE intents SET status = @status, decline_reason = @decline, updated_at = @now WHERE id = @id",
            ct,
            ("@id", id), ("@status", status), ("@decline", declineReason), ("@now", Timestamps.Format(now)));

    public static async Task<PaymentIntent?> FindAsync(GatewayTransaction tx, string id, CancellationToken ct)
    {
        await using var command = tx.Command(Select, ("@id", id));
        return await ReadAsync(command, ct);
    }

    public static async Task<PaymentIntent?> FindAsync(GatewayDatabase db, string id, CancellationToken ct)
    {
        await using var connection = await db.OpenReadAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = Select;
        command.Parameters.AddWithValue("@id", id);
        return await ReadAsync(command, ct);
    }

    private static async Task<PaymentIntent?> ReadAsync(SqliteCommand command, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return new PaymentIntent(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetInt64(2),
            reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.IsDBNull(5) ? null : reader.GetString(5),
            SortedMetadata(JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(reader.GetString(6))));
    }

    public static SortedDictionary<string, JsonElement> SortedMetadata(IDictionary<string, JsonElement>? metadata) =>
        metadata is null ? new(StringComparer.Ordinal) : new(metadata, StringComparer.Ordinal);
}
