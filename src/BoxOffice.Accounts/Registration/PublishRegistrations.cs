using System.Globalization;
using BoxOffice.Accounts.Storage;
using BoxOffice.Contracts.Accounts;
using BoxOffice.Messaging;
using BoxOffice.Messaging.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Accounts.Registration;

/// <summary>
/// Publishes <c>AccountRegistered</c> for every user not yet announced, and <c>AccountClosed</c> for
/// every closure not yet announced. Identity saves users through EF Core in its own transaction, so
/// the event cannot join it; instead the users table itself is the outbox for registrations, and
/// <c>account_closures</c> (written in the transaction that deletes the user) for closures: this job
/// appends the events and the "announced" marks in one transaction, and a crash in between only
/// delays the event. Registrations go first, and a user deleted before being announced is never
/// announced as registered, so no consumer sees a registration after the closure. It wakes on each
/// registration and closure, with the messaging core's poll (<c>Messaging:WorkPoll</c>, 1 s).
/// </summary>
internal sealed class PublishRegistrations(
    [FromKeyedServices(AccountsSchema.Database)] ServiceDatabase accounts,
    RegistrationSignal signal,
    TimeProvider time,
    WorkLoopServices loop) : WorkLoop("Announcing new and closed accounts", loop)
{
    public static MigrationSet Schema { get; } = new("accounts-announced",
    [
        new Migration(1, "users announced with AccountRegistered",
            "CREATE TABLE announced_accounts (user_id TEXT PRIMARY KEY, announced_at BIGINT NOT NULL);"),
        new Migration(2, "closed accounts, announced with AccountClosed",
            """
            CREATE TABLE account_closures (user_id TEXT PRIMARY KEY, closed_at BIGINT NOT NULL, announced_at BIGINT NULL);
            CREATE INDEX account_closures_unannounced ON account_closures (closed_at) WHERE announced_at IS NULL;
            """),
    ]);

    protected override WorkSignal Signal => signal;

    protected override async Task<bool> DoDueWorkAsync(CancellationToken ct) => await PublishAsync(ct) > 0;

    internal async Task<int> PublishAsync(CancellationToken ct)
    {
        await using var tx = await accounts.BeginAsync(ct);
        // The id as text exactly as the store renders it (EF Core's upper-case text on SQLite, a uuid
        // on PostgreSQL), so the mark matches the row; the date as ISO text on both.
        var users = new List<(string StoredId, AccountRegistered Event)>();
        await using (var reader = await tx.Command("""
                SELECT CAST(u."Id" AS TEXT), u."Email", u."DisplayName", CAST(u."BirthDate" AS TEXT) FROM "AspNetUsers" u
                WHERE NOT EXISTS (SELECT 1 FROM announced_accounts a WHERE a.user_id = CAST(u."Id" AS TEXT))
                ORDER BY u."Id" LIMIT 500
                """).ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                users.Add((reader.GetString(0), new AccountRegistered(
                    Guid.Parse(reader.GetString(0)), reader.GetString(1), reader.GetString(2),
                    DateOnly.Parse(reader.GetString(3), CultureInfo.InvariantCulture))));
            }
        }

        foreach (var (storedId, registered) in users)
        {
            tx.Publish(registered);
            await tx.Command("INSERT INTO announced_accounts (user_id, announced_at) VALUES (@id, @at)")
                .With("@id", storedId).With("@at", time.GetUtcNow().ToUnixTimeMilliseconds())
                .ExecuteNonQueryAsync(ct);
        }

        var closures = new List<(string StoredId, AccountClosed Event)>();
        await using (var reader = await tx.Command("""
                SELECT user_id, closed_at FROM account_closures WHERE announced_at IS NULL ORDER BY closed_at LIMIT 500
                """).ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                closures.Add((reader.GetString(0), new AccountClosed(Guid.Parse(reader.GetString(0)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)))));
            }
        }

        foreach (var (storedId, closed) in closures)
        {
            tx.Publish(closed);
            await tx.Command("UPDATE account_closures SET announced_at = @at WHERE user_id = @id")
                .With("@id", storedId).With("@at", time.GetUtcNow().ToUnixTimeMilliseconds())
                .ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        return users.Count + closures.Count;
    }
}

/// <summary>Wakes the publisher when a user was saved or closed.</summary>
internal sealed class RegistrationSignal : WorkSignal;
