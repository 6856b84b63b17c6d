using System.Data.Common;
using BoxOffice.Messaging.Deciding;
using BoxOffice.Messaging.EventLog;
using BoxOffice.Messaging.Storage;

namespace BoxOffice.Payments.Storage;

/// <summary>Reads <see cref="Payment"/> rows and writes decisions about them through the core (<see cref="PaymentWriter"/>).</summary>
internal static class PaymentStore
{
    private const string Columns = """
        payment_id, reservation_id, user_id, amount, currency, token, status, intent_id, challenge_url,
        failure_reason, attempts, next_attempt_at, created_at, updated_at
        """;

    internal const string Insert = $"""
        INSERT INTO payments ({Columns})
        VALUES (@payment_id, @reservation_id, @user_id, @amount, @currency, @token, @status, @intent_id, @challenge_url,
                @failure_reason, @attempts, @next_attempt_at, @created_at, @updated_at)
        ON CONFLICT (reservation_id) DO NOTHING
        """;

    internal const string Update = """
        UPDATE payments SET status = @status, intent_id = @intent_id, challenge_url = @challenge_url,
            failure_reason = @failure_reason, attempts = @attempts, next_attempt_at = @next_attempt_at, updated_at = @updated_at
        WHERE reservation_id = @reservation_id AND status = @expected_status
        """;

    // Each lost race means another writer settled the row in between; a few rounds end in a decision
    // that changes nothing (a settled payment ignores late answers).
    private const int MaxConflictAttempts = 3;

    private const string Find = $"SELECT {Columns} FROM payments WHERE reservation_id = @reservation_id";

    // Rows that need no call have no next attempt, so the index holds little else than due work.
    private const string Due = $"""
        SELECT {Columns} FROM payments
        WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= @now AND status IN ('Processing', 'Refunding', 'Cancelling')
        ORDER BY next_attempt_at LIMIT @limit
        """;

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
    /// Writes <paramref name="decision"/> in <paramref name="tx"/> through the core, which publishes
    /// its event to the payments log after the change, correlated by the reservation (as every
    /// payments event is) and caused by <paramref name="causationId"/> when a consumed event led to it.
    /// Throws <see cref="PaymentConflict"/> when the row changed under the decision.
    /// </summary>
    public static Task ApplyAsync(ServiceTransaction tx, PaymentDecision decision, Guid? causationId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(decision);
        return tx.ApplyAsync(decision.ToDecision(), PaymentWriter.Instance, decision.Payment.ReservationId, causationId, ct);
    }

    /// <summary>
    /// Load, decide, write and publish for one payment in a transaction of its own (the dispatcher
    /// recording a gateway answer, a webhook). A decision that lost a race to another writer of the
    /// row (<see cref="PaymentConflict"/>: on PostgreSQL two transactions may read the same status)
    /// is rolled back and decided again on the payment as the winner left it. Returns null when the
    /// reservation has no payment; an unchanged decision is returned without writing anything.
    /// </summary>
    public static async Task<PaymentDecision?> DecideAsync(
        ServiceDatabase database, Guid reservationId, Func<Payment, DateTimeOffset, PaymentDecision> decide, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(decide);
        ArgumentNullException.ThrowIfNull(time);
        for (var attempt = 1; ; attempt++)
        {
            await using var tx = await database.BeginAsync(ct);
            var payment = await FindAsync(tx, reservationId, ct);
            if (payment is null)
            {
                return null;
            }

            var decision = decide(payment, time.GetUtcNow());
            if (!decision.Changed && decision.Event is null)
            {
                return decision;
            }

            try
            {
                await ApplyAsync(tx, decision, causationId: null, ct);
                await tx.CommitAsync(ct);
                return decision;
            }
            catch (PaymentConflict) when (attempt < MaxConflictAttempts)
            {
                // Disposing the transaction rolls it back; the next round reads what the winner wrote.
            }
        }
    }

    internal static DbCommand Bind(DbCommand command, Payment payment) => command
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

/// <summary>What a <see cref="PaymentDecision"/> writes: a new payment, or a payment changed from the status it was decided on.</summary>
internal abstract record PaymentChange
{
    private PaymentChange()
    {
    }

    /// <summary>A new payment; there must be none for its reservation yet.</summary>
    public sealed record Started(Payment Payment) : PaymentChange;

    /// <summary>The payment as decided, written only over the row still in <paramref name="ExpectedStatus"/>.</summary>
    public sealed record Updated(Payment Payment, PaymentStatus ExpectedStatus) : PaymentChange;
}

/// <summary>
/// The row written under a decision is not the row it was decided on: another writer got there
/// first. The transaction must roll back (its event would announce what did not happen) and the
/// fact be decided again; a consumer does so by retrying the event.
/// </summary>
internal sealed class PaymentConflict(Guid reservationId)
    : Exception($"The payment of reservation {reservationId:D} changed while a decision about it was made; it must be decided again.");

/// <summary>The SQL of <see cref="PaymentChange"/>s, for the core's <c>ApplyAsync</c>.</summary>
internal sealed class PaymentWriter : IChangeWriter<PaymentChange>
{
    public static PaymentWriter Instance { get; } = new();

    private PaymentWriter()
    {
    }

    public async Task WriteAsync(ServiceTransaction transaction, PaymentChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var (payment, command) = change switch
        {
            PaymentChange.Started started => (started.Payment, PaymentStore.Bind(transaction.Command(PaymentStore.Insert), started.Payment)
                .With("@payment_id", started.Payment.Id.ToString("D"))
                .With("@user_id", started.Payment.UserId.ToString("D"))
                .With("@amount", started.Payment.Amount)
                .With("@currency", started.Payment.Currency)
                .With("@token", started.Payment.Token)
                .With("@created_at", started.Payment.CreatedAt.ToUnixTimeMilliseconds())),
            // Guarded by the status the decision was made on: a lost race changes no row.
            PaymentChange.Updated updated => (updated.Payment, PaymentStore.Bind(transaction.Command(PaymentStore.Update), updated.Payment)
                .With("@expected_status", updated.ExpectedStatus.ToString())),
            _ => throw new ArgumentOutOfRangeException(nameof(change), change, "Unknown payment change."),
        };
        if (await command.ExecuteNonQueryAsync(cancellationToken) != 1)
        {
            throw new PaymentConflict(payment.ReservationId);
        }
    }
}
