using System.Collections.Concurrent;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Xunit;

namespace BoxOffice.Testing;

/// <summary>
/// The store the tests of this test assembly run on. SQLite unless the assembly says
/// <c>[assembly: AssemblyMetadata("BoxOffice.TestStorage", "Postgres")]</c> (the PostgreSQL twin of the
/// host tests does) or the environment variable <c>BOXOFFICE_TEST_STORAGE</c> says <c>Postgres</c>.
/// On PostgreSQL the server comes from <c>BOXOFFICE_TEST_POSTGRES</c> (a connection string without a
/// database; <c>.ci/run</c> creates the role and sets it). Each data folder gets its own databases,
/// <c>{prefix}_{service}</c> with a prefix derived from the folder's path, so a host restarted on the
/// same folder finds its data again; they are dropped with the folder.
/// </summary>
public static class StoreUnderTest
{
    /// <summary>The variable naming the PostgreSQL server for tests.</summary>
    public const string ServerVariable = "BOXOFFICE_TEST_POSTGRES";

    private static readonly ConcurrentDictionary<string, byte> Created = new(StringComparer.Ordinal);
    private static readonly Lazy<string?> Unavailable = new(Probe);

    static StoreUnderTest() => AppDomain.CurrentDomain.ProcessExit += (_, _) => DropAllCreated();

    /// <summary>True when this run's hosts use PostgreSQL.</summary>
    public static bool IsPostgres { get; } = Decide();

    /// <summary>The store's name, for messages.</summary>
    public static string Name => IsPostgres ? "PostgreSQL" : "SQLite";

    /// <summary>
    /// Skips the current test with a clear message when its store is PostgreSQL and no server is
    /// reachable on a laptop; under <c>CI=true</c> a missing server fails the test instead.
    /// </summary>
    /// <param name="postgres">Whether the test needs PostgreSQL; the assembly's store unless given.</param>
    public static void RequireServer(bool? postgres = null)
    {
        if (!(postgres ?? IsPostgres) || Unavailable.Value is not { } why)
        {
            return;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"CI=true and the PostgreSQL tests cannot run: {why}");
        }

        Assert.Skip($"PostgreSQL tests skipped: {why} (.ci/run installs and starts PostgreSQL and sets {ServerVariable}).");
    }

    /// <summary>Skips a test that is about the SQLite files themselves when the store is PostgreSQL.</summary>
    public static void SkipUnlessSqlite(string why)
    {
        if (IsPostgres)
        {
            Assert.Skip($"SQLite only: {why}");
        }
    }

    /// <summary>The database prefix of a data folder's hosts.</summary>
    public static string PrefixFor(string dataDirectory)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(dataDirectory)));
        return "bt" + Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }

    /// <summary>
    /// The settings that put a host on the store under test for <paramref name="dataDirectory"/>
    /// (configuration keys: <c>BoxOffice:Storage</c>, <c>ConnectionStrings:Postgres</c>, <c>BoxOffice:DatabasePrefix</c>);
    /// empty on SQLite.
    /// </summary>
    /// <param name="dataDirectory">The host's data folder.</param>
    /// <param name="postgres">Whether to use PostgreSQL; the assembly's store unless given.</param>
    public static IReadOnlyDictionary<string, string?> SettingsFor(string dataDirectory, bool? postgres = null)
    {
        if (!(postgres ?? IsPostgres))
        {
            return new Dictionary<string, string?>();
        }

        RequireServer(postgres: true);
        var prefix = PrefixFor(dataDirectory);
        Created.TryAdd(prefix, 0);
        return new Dictionary<string, string?>
        {
            ["BoxOffice:Storage"] = "Postgres",
            ["ConnectionStrings:Postgres"] = Server,
            ["BoxOffice:DatabasePrefix"] = prefix,
            // Many hosts run at once in a test run; each needs few connections.
            ["Messaging:PostgresPoolSize"] = "4",
        };
    }

    /// <summary>The same settings as environment variables, for a host started as a child process.</summary>
    public static IReadOnlyDictionary<string, string> EnvironmentFor(string dataDirectory, bool? postgres = null) =>
        SettingsFor(dataDirectory, postgres).ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value ?? "", StringComparer.Ordinal);

    /// <summary>Drops the databases of a data folder's hosts (nothing on SQLite: the files go with the folder).</summary>
    public static void Forget(string dataDirectory)
    {
        var prefix = PrefixFor(dataDirectory);
        if (!Created.ContainsKey(prefix) || Unavailable.Value is not null)
        {
            return;
        }

        prefix = PrefixFor(dataDirectory);
        if (Created.TryRemove(prefix, out _))
        {
            Drop(prefix);
        }
    }

    /// <summary>
    /// Opens a read connection to one service database of a data folder's hosts, on the store
    /// <paramref name="postgres"/> says (the assembly's unless given), for checks from outside the host.
    /// </summary>
    public static async Task<System.Data.Common.DbConnection> OpenAsync(string dataDirectory, string database, bool? postgres = null)
    {
        System.Data.Common.DbConnection connection = postgres ?? IsPostgres
            ? new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Server) { Database = PrefixFor(dataDirectory) + "_" + database, Pooling = false }.ConnectionString)
            : new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(dataDirectory, database + ".db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    private static string Server => Environment.GetEnvironmentVariable(ServerVariable) ?? "";

    private static bool Decide()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("BOXOFFICE_TEST_STORAGE");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return string.Equals(fromEnvironment, "Postgres", StringComparison.OrdinalIgnoreCase);
        }

        var metadata = Assembly.GetEntryAssembly()?.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "BoxOffice.TestStorage");
        return string.Equals(metadata?.Value, "Postgres", StringComparison.OrdinalIgnoreCase);
    }

    private static string? Probe()
    {
        if (string.IsNullOrWhiteSpace(Server))
        {
            return $"{ServerVariable} is not set";
        }

        try
        {
            using var connection = new NpgsqlConnection(Admin().ConnectionString);
            connection.Open();
            return null;
        }
        catch (Exception ex) when (ex is NpgsqlException or ArgumentException)
        {
            return $"the server in {ServerVariable} cannot be reached ({ex.Message})";
        }
    }

    private static NpgsqlConnectionStringBuilder Admin() => new(Server) { Database = "postgres", Pooling = false };

    /// <summary>Drops every database of this run's hosts not dropped yet (<see cref="TestDatabasesCleanup"/>; at process exit too).</summary>
    public static void DropLeftovers()
    {
        if (Unavailable.IsValueCreated && Unavailable.Value is null)
        {
            DropAllCreated();
        }
    }

    private static void DropAllCreated()
    {
        foreach (var prefix in Created.Keys)
        {
            if (!Created.TryRemove(prefix, out _))
            {
                continue;
            }

            try
            {
                Drop(prefix);
            }
            catch (NpgsqlException)
            {
                // The server went away first: nothing more to do at exit.
            }
        }
    }

    private static void Drop(string prefix)
    {
        // No pool is cleared here: the hosts on these databases cleared their own when disposed, and
        // other tests' pools must stay; WITH (FORCE) below ends any connection still open.
        using var connection = new NpgsqlConnection(Admin().ConnectionString);
        connection.Open();
        var names = new List<string>();
        using (var list = new NpgsqlCommand("SELECT datname FROM pg_database WHERE datname LIKE @pattern", connection))
        {
            list.Parameters.AddWithValue("pattern", prefix + "\\_%");
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                names.Add(reader.GetString(0));
            }
        }

        foreach (var name in names)
        {
            // The name came from the server and matched our own prefix of hex digits.
            try
            {
                using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                drop.ExecuteNonQuery();
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                // FORCE may not end an autovacuum worker busy in the new database (only a superuser may);
                // a plain DROP cancels autovacuum itself, and our own connections are closed already.
                using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\"", connection);
                drop.ExecuteNonQuery();
            }
        }
    }
}
