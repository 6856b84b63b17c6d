using System.Diagnostics;
using System.Text.RegularExpressions;
using BoxOffice.Testing;
using Npgsql;

namespace BoxOffice.Chaos.Tests.Support;

/// <summary>
/// The Debian PostgreSQL cluster that serves <c>BOXOFFICE_TEST_POSTGRES</c>'s port, found with
/// <c>pg_lsclusters</c> and stopped and started with <c>pg_ctlcluster</c> (as root). Every test of
/// this run on that server loses it while it is stopped: the chaos suite runs alone, one test at a time.
/// </summary>
internal sealed partial class PostgresCluster
{
    private PostgresCluster(string version, string name, int port)
    {
        Version = version;
        Name = name;
        Port = port;
    }

    public string Version { get; }

    public string Name { get; }

    public int Port { get; }

    public override string ToString() => $"PostgreSQL {Version} cluster '{Name}' on port {Port}";

    /// <summary>
    /// The cluster serving the test server's port. Skips on a laptop where it cannot be controlled
    /// (not root, no pg_ctlcluster, no such local cluster); under <c>CI=true</c> that fails instead.
    /// </summary>
    public static async Task<PostgresCluster> RequireAsync()
    {
        StoreUnderTest.RequireServer(postgres: true);
        var server = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable(StoreUnderTest.ServerVariable));
        var port = server.Port;
        string? why = null;
        PostgresCluster? found = null;
        if (Environment.UserName != "root" || !File.Exists("/usr/bin/pg_ctlcluster") || !File.Exists("/usr/bin/pg_lsclusters"))
        {
            why = "stopping PostgreSQL needs pg_ctlcluster and pg_lsclusters, run as root (CI runs as root)";
        }
        else if (server.Host is not ("127.0.0.1" or "localhost" or "::1"))
        {
            why = $"{StoreUnderTest.ServerVariable} names {server.Host}, not a cluster on this machine";
        }
        else
        {
            var (code, listed) = await RunAsync("/usr/bin/pg_lsclusters", "-h");
            // "15 main 5432 online postgres /var/lib/… /var/log/…"
            found = code != 0 ? null : listed.Split('\n').Select(l => ClusterLine().Match(l)).Where(m => m.Success)
                .Where(m => int.Parse(m.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture) == port)
                .Select(m => new PostgresCluster(m.Groups["version"].Value, m.Groups["name"].Value, port)).FirstOrDefault();
            why = found is null ? $"no cluster in pg_lsclusters serves port {port}: {listed.Trim()}" : null;
        }

        if (found is not null)
        {
            return found;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"CI=true and the PostgreSQL outage test cannot run: {why}");
        }

        Assert.Skip($"PostgreSQL outage skipped: {why}.");
        return null!;
    }

    /// <summary><c>pg_ctlcluster stop -m fast</c>: every connection cut, open transactions rolled back.</summary>
    public async Task StopAsync()
    {
        var (code, output) = await RunAsync("/usr/bin/pg_ctlcluster", Version, Name, "stop", "-m", "fast");
        code.ShouldBe(0, $"pg_ctlcluster {Version} {Name} stop: {output}");
    }

    /// <summary>Starts it and waits until it takes connections again.</summary>
    public async Task StartAsync()
    {
        var (code, output) = await RunAsync("/usr/bin/pg_ctlcluster", Version, Name, "start");
        code.ShouldBe(0, $"pg_ctlcluster {Version} {Name} start: {output}");
        var admin = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable(StoreUnderTest.ServerVariable)) { Database = "postgres", Pooling = false };
        await Eventually.HoldsAsync(
            async () =>
            {
                try
                {
                    await using var connection = new NpgsqlConnection(admin.ConnectionString);
                    await connection.OpenAsync(TestContext.Current.CancellationToken);
                    return true;
                }
                catch (NpgsqlException)
                {
                    return false;
                }
            },
            "PostgreSQL takes connections again", TimeSpan.FromSeconds(60));
    }

    /// <summary>Whether it is online, as pg_lsclusters says.</summary>
    public async Task<bool> IsOnlineAsync()
    {
        var (_, listed) = await RunAsync("/usr/bin/pg_lsclusters", "-h");
        return listed.Split('\n').Select(l => ClusterLine().Match(l))
            .Any(m => m.Success && m.Groups["version"].Value == Version && m.Groups["name"].Value == Name && m.Groups["status"].Value.StartsWith("online", StringComparison.Ordinal));
    }

    private static async Task<(int Code, string Output)> RunAsync(string program, params string[] arguments)
    {
        // From /: the postgres user pg_ctlcluster switches to may not enter the test's folder.
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output + await error);
    }

    [GeneratedRegex(@"^(?<version>\d+)\s+(?<name>\S+)\s+(?<port>\d+)\s+(?<status>\S+)")]
    private static partial Regex ClusterLine();
}
