using System.Globalization;
using Microsoft.Extensions.Logging;

namespace BoxOffice.Messaging.Storage;

/// <summary>Applies pending migrations, recording each in <c>schema_migrations</c>.</summary>
internal static class MigrationRunner
{
    public static async Task<int> ApplyAsync(ServiceDatabase database, IEnumerable<MigrationSet> sets, TimeProvider time, ILogger logger, CancellationToken ct)
    {
        var applied = 0;
        await using (var tx = await database.BeginAsync(ct))
        {
            await tx.Command("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    scope TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    name TEXT NOT NULL,
                    applied_at BIGINT NOT NULL,
                    PRIMARY KEY (scope, version))
                """).ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
        }

        foreach (var set in sets)
        {
            Validate(set);
            foreach (var migration in set.Migrations)
            {
                await using var tx = await database.BeginAsync(ct);
                var done = await tx.Command("SELECT COUNT(*) FROM schema_migrations WHERE scope = @scope AND version = @version")
                    .With("@scope", set.Scope).With("@version", migration.Version).ExecuteScalarAsync(ct);
                if (Convert.ToInt64(done, CultureInfo.InvariantCulture) > 0)
                {
                    continue;
                }

                // A fresh command: migrations run once, there is nothing to gain from caching them.
                await using (var ddl = tx.Connection.CreateCommand())
                {
                    ddl.Transaction = tx.Transaction;
                    ddl.CommandText = database.Dialect.MigrationSql(migration);
                    await ddl.ExecuteNonQueryAsync(ct);
                }

                await tx.Command("INSERT INTO schema_migrations (scope, version, name, applied_at) VALUES (@scope, @version, @name, @at)")
                    .With("@scope", set.Scope).With("@version", migration.Version).With("@name", migration.Name)
                    .With("@at", time.GetUtcNow().ToUnixTimeMilliseconds()).ExecuteNonQueryAsync(ct);
                await tx.CommitAsync(ct);
                applied++;
                logger.LogInformation("Applied migration {Scope} {Version} ({Name}) to {Database}", set.Scope, migration.Version, migration.Name, database.Name);
            }
        }

        return applied;
    }

    private static void Validate(MigrationSet set)
    {
        var previous = 0;
        foreach (var migration in set.Migrations)
        {
            if (migration.Version <= previous)
            {
                throw new InvalidOperationException($"Migrations of '{set.Scope}' must have increasing versions; {migration.Version} follows {previous}.");
            }

            previous = migration.Version;
        }
    }
}
