using System.Data.Common;
using BoxOffice.Contracts.Payments;
using BoxOffice.Messaging.EventLog;
using BoxOffice.Messaging.Storage;

namespace BoxOffice.Payments.Storage;

/// <summary>Reads and writes <see cref="Payment"/> rows; saves a decision and its event in one transaction.</summary>
internal static class PaymentStore
{
    private const string Columns = """
        payment_id, reservation_id, user_id, amount, currency, token, status, intent_id, challenge_url,
        failure_reason, attempts, next_attempt_at, created_at, updated_at
        """;

    private const string Insert = $"""
        INSERT INTO payments ({Columns})
        VALUES (@payment_id, @reservation_id, @user_id, @amount, @currency, @token, @status, @intent_id, @challenge_url,
                @failure_reason, @attempts, @next_attempt_at, @created_at, @updated_at)
        ON CONFLICT (reservation_id) DO NOTHING
        """;

    private const string Update = """
        UPDATE payments SET status = @status, intent_id = @intent_id, challenge_url = @challenge_url,
            failure_reason = @failure_reason, attempts = @attempts, next_attempt_at = @next_attempt_at, updated_at = @updated_at
        WHERE reservation_id = @reservation_id AND status = @expected_status
        """;

    private const string Find = $"SELECT {Columns} FROM payments WHERE reservation_id = @reservation_id";

    // Rows that need no call have no next attempt, so the index holds little else than due work.
    private const string Due = $"""
        SELECT {Columns} FROM payments
        WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= @now AND status IN ('Processing', 'Refunding', 'Cancelling')
        ORDER BY next_attempt_at LIMIT @limit
        """;

    /// <summary>Inserts a new payment; false when the reservation already has one.</summary>
    public static async Task<bool> InsertAsync(ServiceTransaction tx, Payment payment, CancellationToken ct)
    {
        var command = Bind(tx.Command(Insert), payment)
            .With("@payment_id", payment.Id.ToString("D"))
            .With("@user_id", payment.UserId.ToString("D"))
            .With("@amount", payment.Amount)
            .With("@currency", payment.Currency)
            .With("@token", payment.Token)
            .With("@created_at", payment.CreatedAt.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    public static async Task<Payment?> FindAsync(ServiceTransaction tx, Guid reservationId, CancellationToken ct)
    {
        await using var reader = await tx.Command(Find).With("@reservation_id", reservationId.ToString("D")).ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Map(reader) : null;
    }

    /// <summary>Payments whose gateway call is due, oldest first; read without the write lock.</summary>
    public static async Task<List<Payment>> DueAsync(ServiceDatabase database, DateTimeOffset now, int limit, CancellationToken ct)
    {
        await using var connection = await database.OpenReadAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = Due;
        command.With("@now", now.ToUnixTimeMilliseconds()).With("@limit", limit);
        var due = new List<Payment>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            due.Add(Map(reader));
        }

        return due;
    }

    /// <summary>
    /// Writes <paramref name="decision"/> over <paramref name="before"/> and publishes its event to
    /// the payments log, correlated by reservation, in <paramref name="tx"/>. Nothing is written
    /// when nothing changed. Returns whether anything was written.
    /// </summary>
    public static async Task<bool> SaveAsync(ServiceTransaction tx, Payment before, Decision decision, CancellationToken ct)
    {
        if (decision.Payment == before)
        {
            return false;
        }

        // Guarded by the status read in this transaction: a lost race writes nothing and publishes nothing.
        var rows = await Bind(tx.Command(Update), decision.Payment)
            .With("@expected_status", before.Status.ToString())
            .ExecuteNonQueryAsync(ct);
        if (rows != 1)
        {
            return false;
        }

        var correlation = decision.Payment.ReservationId;
        switch (decision.Event)
        {
            case null:
                break;
            case PaymentSucceeded e:
                tx.Publish(e, correlationId: correlation);
                break;
            case PaymentFailed e:
                tx.Publish(e, correlationId: correlation);
                break;
            case PaymentRequiresAction e:
                tx.Publish(e, correlationId: correlation);
                break;
            case PaymentRefunded e:
                tx.Publish(e, correlationId: correlation);
                break;
            default:
                throw new InvalidOperationException($"Payments does not publish {decision.Event.GetType().Name}.");
        }

        return true;
    }

    private static DbCommand Bind(DbCommand command, Payment payment) => command
        .With("@reservation_id", payment.ReservationId.ToString("D"))
        .With("@status", payment.Status.ToString())
        .With("@intent_id", payment.IntentId)
        .With("@challenge_url", payment.ChallengeUrl?.ToString())
        .With("@failure_reason", payment.FailureReason)
        .With("@attempts", payment.Attempts)
        .With("@next_attempt_at", payment.NextAttemptAt?.ToUnixTimeMilliseconds())
        .With("@updated_at", payment.UpdatedAt.ToUnixTimeMilliseconds());

    private static Payment Map(DbDataReader r) => new(
        Guid.Parse(r.GetString(0)),
        Guid.Parse(r.GetString(1)),
        Guid.Parse(r.GetString(2)),
        r.GetInt64(3),
        r.GetString(4),
        r.GetString(5),
        Enum.Parse<PaymentStatus>(r.GetString(6)),
        r.IsDBNull(7) ? null : r.GetString(7),
        r.IsDBNull(8) ? null : new Uri(r.GetString(8)),
        r.IsDBNull(9) ? null : r.GetString(9),
        r.GetInt32(10),
        r.IsDBNull(11) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(11)),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(12)),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(13)));
}
