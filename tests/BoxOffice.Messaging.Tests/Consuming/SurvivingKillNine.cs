using System.Diagnostics;
using System.Globalization;
using BoxOffice.Testing;

namespace BoxOffice.Messaging.Tests.Consuming;

public sealed class SurvivingKillNine
{
    private const int Total = 10_000;

    [Theory]
    [InlineData("SQLite")]
    [InlineData("PostgreSQL")]
    [InlineData("PostgreSQL over RabbitMQ")]
    public async Task Every_event_is_applied_exactly_once_by_every_consumer_through_repeated_SIGKILLs(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        var postgres = store.StartsWith("PostgreSQL", StringComparison.Ordinal);
        var broker = store.EndsWith("RabbitMQ", StringComparison.Ordinal);
        StoreUnderTest.RequireServer(postgres);
        using var dir = new TempDirectory("messaging");
        var environment = StoreUnderTest.EnvironmentFor(dir.Path, postgres).ToDictionary();
        // A test that restarts RabbitMQ (the distributed tests) waits until this one is done with it.
        using var brokerGate = broker ? await BrokerGate.SharedAsync(ct) : null;
        if (broker)
        {
            // The log is relayed and each consumer reads its queue: a kill loses unconfirmed publishes
            // (published again) and unacked deliveries (delivered again, dropped by the inbox). A short
            // lease, so the relay of the next run takes over from the killed one within the test.
            foreach (var (key, value) in BrokerUnderTest.SettingsFor(dir.Path, "shop", "alpha", "beta").Append(new("Messaging:RelayLease", "00:00:01")))
            {
                environment[key.Replace(":", "__", StringComparison.Ordinal)] = value ?? "";
            }
        }

        var seed = Environment.TickCount;
        var random = new Random(seed);
        TestContext.Current.TestOutputHelper?.WriteLine($"random seed {seed}");

        var kills = 0;
        var atKills = new List<(long Produced, long Alpha, long Beta)>();
        for (var run = 0; run < 12 && kills < 6; run++)
        {
            using var testbed = Testbed.Start(dir.Path, environment);
            await testbed.ReadyAsync(ct);
            await Task.Delay(random.Next(50, 600), ct);
            if (testbed.HasExited)
            {
                break;
            }

            // What was done at the kill (read just before it): numbers produced, events each consumer applied.
            atKills.Add((await CountAsync(dir.Path, postgres, "shop", "SELECT count FROM produced"),
                await CountAsync(dir.Path, postgres, "alpha", "SELECT COUNT(*) FROM applied"),
                await CountAsync(dir.Path, postgres, "beta", "SELECT COUNT(*) FROM applied")));
            testbed.KillNine();
            kills++;
        }

        var done = $"done at each kill (produced, alpha applied, beta applied): {string.Join(" ", atKills)}";
        TestContext.Current.TestOutputHelper?.WriteLine(done);
        kills.ShouldBeGreaterThanOrEqualTo(5, "the child finished before it was killed five times");
        // Each kill landed on work: the producer not finished, or a consumer not done (alpha applies every
        // number and every tenth a note, beta every number). Whether a consumer was behind the producer at
        // that instant is chance (a kill before the first number, or just as both caught up): not required.
        atKills.ShouldAllBe(k => k.Produced < Total || k.Alpha < Total + (Total / 10) || k.Beta < Total, done);

        using (var last = Testbed.Start(dir.Path, environment))
        {
            var exitCode = await last.ExitAsync(TimeSpan.FromMinutes(3), ct);
            exitCode.ShouldBe(0, last.Output);
            last.Output.ShouldContain("done");
        }

        // Checked from the consumers' own state: one row per applied event, no key forbids duplicates.
        foreach (var consumer in new[] { "alpha", "beta" })
        {
            var counted = await QueryAsync(dir.Path, postgres, consumer,
                "SELECT COUNT(*), COUNT(DISTINCT n), MIN(n), MAX(n), COUNT(DISTINCT event_id) FROM applied WHERE type = 'shop.counted.v1'");
            counted.ShouldBe([Total, Total, 1, Total, Total], consumer);
            var totals = await QueryAsync(dir.Path, postgres, consumer, "SELECT count, sum FROM totals");
            var expectedCount = consumer == "alpha" ? Total + (Total / 10) : Total;
            totals.ShouldBe([expectedCount, (long)Total * (Total + 1) / 2], consumer);
        }

        (await QueryAsync(dir.Path, postgres, "alpha", "SELECT COUNT(*), COUNT(DISTINCT key) FROM applied WHERE type = 'shop.noted.v1'")).ShouldBe([Total / 10, Total / 10]);
        (await QueryAsync(dir.Path, postgres, "beta", "SELECT COUNT(*) FROM applied WHERE type <> 'shop.counted.v1'")).ShouldBe([0]);

        // The producer published each number once, and its log is gap-free.
        var log = await QueryAsync(dir.Path, postgres, "shop", "SELECT COUNT(*), MIN(seq), MAX(seq), (SELECT last_seq FROM event_log_head) FROM event_log");
        log.ShouldBe([Total + (Total / 10), 1, Total + (Total / 10), Total + (Total / 10)]);
        (await QueryAsync(dir.Path, postgres, "shop", "SELECT count FROM produced")).ShouldBe([Total]);
    }

    /// <summary>One count; 0 while the table or its row does not exist yet (a first run killed early).</summary>
    private static async Task<long> CountAsync(string directory, bool postgres, string database, string sql)
    {
        try
        {
            var row = await QueryAsync(directory, postgres, database, sql);
            return Math.Max(0, row[0]);
        }
        catch (System.Data.Common.DbException)
        {
            return 0;
        }
        catch (InvalidOperationException)
        {
            // No row to read.
            return 0;
        }
    }

    private static async Task<long[]> QueryAsync(string directory, bool postgres, string database, string sql)
    {
        await using var connection = await StoreUnderTest.OpenAsync(directory, database, postgres);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return [.. Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? -1 : reader.GetInt64(i))];
    }

    /// <summary>The testbed program in a child process that can be killed with SIGKILL.</summary>
    private sealed class Testbed : IDisposable
    {
        private readonly Process _process;
        private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly System.Text.StringBuilder _output = new();

        private Testbed(Process process) => _process = process;

        public bool HasExited => _process.HasExited;

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public static Testbed Start(string directory, IReadOnlyDictionary<string, string> environment)
        {
            var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
            var program = Path.Combine(AppContext.BaseDirectory, "BoxOffice.Messaging.Testbed.dll");
            var info = new ProcessStartInfo(dotnet)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }

            foreach (var arg in new[] { program, directory, Total.ToString(CultureInfo.InvariantCulture), "20", "5" })
            {
                info.ArgumentList.Add(arg);
            }

            var testbed = new Testbed(new Process { StartInfo = info });
            testbed._process.OutputDataReceived += (_, e) => testbed.Record(e.Data, ready: e.Data == "ready");
            testbed._process.ErrorDataReceived += (_, e) => testbed.Record(e.Data, ready: false);
            testbed._process.Start();
            testbed._process.BeginOutputReadLine();
            testbed._process.BeginErrorReadLine();
            return testbed;
        }

        public Task ReadyAsync(CancellationToken ct) => _ready.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);

        /// <summary>Process.Kill sends SIGKILL on Unix: no handler, no flush, no graceful stop.</summary>
        public void KillNine()
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        public async Task<int> ExitAsync(TimeSpan timeout, CancellationToken ct)
        {
            await _process.WaitForExitAsync(ct).WaitAsync(timeout, ct);
            return _process.ExitCode;
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.Dispose();
        }

        private void Record(string? line, bool ready)
        {
            if (line is null)
            {
                return;
            }

            lock (_output)
            {
                _output.AppendLine(line);
            }

            if (ready)
            {
                _ready.TrySetResult();
            }
        }
    }
}
