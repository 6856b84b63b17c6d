using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace BoxOffice.Bench.Accept;

/// <summary>
/// The ceiling of the accept path's writes on PostgreSQL, without HTTP or decisions: one writer,
/// transactions of <c>batch</c> reservations each, every one of them taking the advisory write lock
/// and sending, in one round trip, the hot row's update and per reservation a reservation row and an
/// event-log row (the statements the core's <c>StatementBatch</c> sends), then the log head's update.
/// Runs in a database of its own, dropped afterwards.
/// </summary>
internal static class PostgresGroupCommit
{
    public static async Task<int> RunAsync(string[] args)
    {
        var server = Argument(args, "--connection") ?? Environment.GetEnvironmentVariable("BENCH_POSTGRES");
        if (string.IsNullOrWhiteSpace(server))
        {
            Console.Error.WriteLine("pg-commit needs --connection \"Host=…;Username=…;Password=…\" (or BENCH_POSTGRES): a role that may create databases.");
            return 2;
        }

        var batch = int.Parse(Argument(args, "--batch") ?? "256", CultureInfo.InvariantCulture);
        var seconds = double.Parse(Argument(args, "--seconds") ?? "10", CultureInfo.InvariantCulture);
        var multiRow = args.Contains("--multi-row");
        var database = "bench_ceiling_" + Guid.NewGuid().ToString("N")[..8];
        var admin = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString;
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await new NpgsqlCommand($"CREATE DATABASE {database}", connection).ExecuteNonQueryAsync();
        }

        try
        {
            var target = new NpgsqlConnectionStringBuilder(server) { Database = database, MaxAutoPrepare = 64, AutoPrepareMinUsages = 2 }.ConnectionString;
            await using var writer = new NpgsqlConnection(target);
            await writer.OpenAsync();
            await new NpgsqlCommand("""
                CREATE TABLE hot (id INTEGER PRIMARY KEY, capacity INTEGER NOT NULL, held INTEGER NOT NULL, CHECK (held <= capacity));
                INSERT INTO hot VALUES (1, 2000000000, 0);
                CREATE TABLE reservations (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, quantity INTEGER NOT NULL, amount BIGINT NOT NULL, created_at BIGINT NOT NULL);
                CREATE TABLE event_log (seq BIGINT PRIMARY KEY, event_id TEXT NOT NULL, type TEXT NOT NULL, occurred_at BIGINT NOT NULL, payload TEXT NOT NULL);
                CREATE TABLE event_log_head (id INTEGER PRIMARY KEY, last_seq BIGINT NOT NULL);
                INSERT INTO event_log_head VALUES (1, 0);
                """, writer).ExecuteNonQueryAsync();

            var payload = new string('x', 600);
            long seq = 0, done = 0;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                await using var tx = await writer.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted);
                await new NpgsqlCommand("SELECT pg_advisory_xact_lock(1)", writer, tx).ExecuteNonQueryAsync();
                seq = (long)(await new NpgsqlCommand("SELECT last_seq FROM event_log_head WHERE id = 1", writer, tx).ExecuteScalarAsync())!;
                await using var statements = new NpgsqlBatch(writer, tx);
                statements.BatchCommands.Add(Command("UPDATE hot SET held = held + @n WHERE id = 1 AND held + @n <= capacity", ("n", batch)));
                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                if (multiRow)
                {
                    // One multi-row INSERT per table: the same rows, two statements instead of 2 × batch.
                    var reservations = new NpgsqlBatchCommand();
                    var events = new NpgsqlBatchCommand();
                    var r = new System.Text.StringBuilder("INSERT INTO reservations (id, user_id, quantity, amount, created_at) VALUES ");
                    var e = new System.Text.StringBuilder("INSERT INTO event_log (seq, event_id, type, occurred_at, payload) VALUES ");
                    for (var i = 0; i < batch; i++)
                    {
                        r.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"(@i{i}, @u{i}, 1, 5000, @at)");
                        e.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"(@s{i}, @e{i}, 'tickets.held.v2', @at, @p{i})");
                        reservations.Parameters.Add(new NpgsqlParameter("i" + i, Guid.CreateVersion7().ToString()));
                        reservations.Parameters.Add(new NpgsqlParameter("u" + i, Guid.NewGuid().ToString()));
                        events.Parameters.Add(new NpgsqlParameter("s" + i, ++seq));
                        events.Parameters.Add(new NpgsqlParameter("e" + i, Guid.CreateVersion7().ToString()));
                        events.Parameters.Add(new NpgsqlParameter("p" + i, payload));
                    }

                    reservations.Parameters.Add(new NpgsqlParameter("at", now));
                    events.Parameters.Add(new NpgsqlParameter("at", now));
                    reservations.CommandText = r.ToString();
                    events.CommandText = e.ToString();
                    statements.BatchCommands.Add(reservations);
                    statements.BatchCommands.Add(events);
                }
                else
                {
                    for (var i = 0; i < batch; i++)
                    {
                        var id = Guid.CreateVersion7().ToString();
                        statements.BatchCommands.Add(Command(
                            "INSERT INTO reservations (id, user_id, quantity, amount, created_at) VALUES (@id, @user, 1, 5000, @at)",
                            ("id", id), ("user", Guid.NewGuid().ToString()), ("at", now)));
                        statements.BatchCommands.Add(Command(
                            "INSERT INTO event_log (seq, event_id, type, occurred_at, payload) VALUES (@seq, @id, 'tickets.held.v2', @at, @payload)",
                            ("seq", ++seq), ("id", Guid.CreateVersion7().ToString()), ("at", now), ("payload", payload)));
                    }
                }

                statements.BatchCommands.Add(Command("UPDATE event_log_head SET last_seq = @seq WHERE id = 1", ("seq", seq)));
                await statements.ExecuteNonQueryAsync();
                await tx.CommitAsync();
                done += batch;
            }

            Console.WriteLine($"pg-commit{(multiRow ? " --multi-row" : "")}: {done / clock.Elapsed.TotalSeconds:N0} reservations/s ({batch} per transaction, {done:N0} in {clock.Elapsed.TotalSeconds:N1} s)");
            return 0;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            await new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", connection).ExecuteNonQueryAsync();
        }
    }

    /// <summary>Drops a bench run's databases, <c>{prefix}_*</c> (the accept script's host made them).</summary>
    public static async Task<int> DropAsync(string[] args)
    {
        var server = Argument(args, "--connection");
        var prefix = Argument(args, "--prefix");
        if (string.IsNullOrWhiteSpace(server) || prefix is null || !prefix.StartsWith("bench_", StringComparison.Ordinal) || !prefix.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            Console.Error.WriteLine("pg-drop needs --connection <server> --prefix bench_<letters and digits>");
            return 2;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        var names = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT datname FROM pg_database WHERE datname LIKE @pattern", connection))
        {
            list.Parameters.AddWithValue("pattern", prefix + "\\_%");
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }

        foreach (var name in names)
        {
            await new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection).ExecuteNonQueryAsync();
        }

        Console.WriteLine($"dropped {names.Count} databases {prefix}_*");
        return 0;
    }

    private static NpgsqlBatchCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter(name, value));
        }

        return command;
    }

    private static string? Argument(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
