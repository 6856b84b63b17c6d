using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BoxOffice.Chaos.Tests.Support;
using BoxOffice.Host.Tests.Support;
using BoxOffice.Testing;

namespace BoxOffice.Chaos.Tests.Embedded;

/// <summary>
/// The real host, as its own process, on a data folder of its own small disk (a size-limited
/// tmpfs: every service's SQLite file and the payment gateway simulator's), filled to the last byte
/// by a file while buyers reserve and payments run. While it is full every write is refused with a
/// 503 that says so (never a 500), reads of what was committed still answer, and the process stays
/// up; consumers wait instead of dead-lettering. Once the file is deleted the host goes on by
/// itself: refused buyers are accepted when they ask again, every reservation accepted before or
/// while full ends final, and the operators' invariant check holds.
/// </summary>
public sealed partial class FillingTheDisk
{
    /// <summary>Reservations settled before the disk fills: 10 in CI, 50 at full size (<c>BOXOFFICE_DISK_SETTLED</c>).</summary>
    private static readonly int Settled = ChaosSize.Of("BOXOFFICE_DISK_SETTLED", ci: 10, full: 50);

    /// <summary>Reservations made just before the disk fills, their payments in flight: 10 in CI, 50 at full size (<c>BOXOFFICE_DISK_IN_FLIGHT</c>).</summary>
    private static readonly int InFlight = ChaosSize.Of("BOXOFFICE_DISK_IN_FLIGHT", ci: 10, full: 50);

    /// <summary>Reservations asked for while the disk is full: 20 in CI, 100 at full size (<c>BOXOFFICE_DISK_WHILE_FULL</c>).</summary>
    private static readonly int WhileFull = ChaosSize.Of("BOXOFFICE_DISK_WHILE_FULL", ci: 20, full: 100);

    /// <summary>
    /// How long the disk stays full: 10 s in CI (longer than a consumer's five attempts at an event,
    /// ~7 s, take before a failing event would be dead-lettered), 30 s at full size (<c>BOXOFFICE_DISK_FULL_SECONDS</c>).
    /// </summary>
    private static readonly int FullSeconds = ChaosSize.Of("BOXOFFICE_DISK_FULL_SECONDS", ci: 10, full: 30);

    private const int DiskMegabytes = 64;

    private const int Buyers = 5;

    [Fact]
    public async Task While_the_disk_is_full_writes_are_refused_with_503_nothing_committed_is_lost_and_the_host_recovers_when_space_returns()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempDirectory("full-disk");
        using var disk = SmallDisk.Mount(folder.Path, DiskMegabytes);
        var data = Path.Combine(disk.Path, "data");
        var filler = Path.Combine(disk.Path, "filler");
        var environment = new Dictionary<string, string>
        {
            ["Seed__OrganizerPassword"] = TestApp.OrganizerPassword,
            ["RateLimits__RegistrationsPerHourPerAddress"] = "100000",
            ["RateLimits__LoginsPerMinutePerAddress"] = "100000",
            ["RateLimits__ReservationsPerMinutePerUser"] = "100000",
            ["RateLimits__ReservationBurstPerUser"] = "100000",
            ["Tickets__MaxPendingPerEvent"] = "10000",
            ["Tickets__MaxTicketsPerEvent"] = "10000",
            ["PaymentGateway__LatencyMedianMs"] = "20",
            ["PaymentGateway__LatencyP99Ms"] = "80",
        };
        var clock = Stopwatch.StartNew();
        var phases = new List<string>();
        void Phase(string name) => phases.Add($"{name} {clock.Elapsed.TotalSeconds:F1} s");
        var (host, address) = await HostProcess.StartAsync(data, ct, environment);
        try
        {
            Phase("started");
            using var organizer = await HostProcess.SignInAsync(address, TestApp.OrganizerEmail, TestApp.OrganizerPassword);
            var total = Settled + InFlight + WhileFull;
            var (_, type) = await TestApp.CreateEventAsync(organizer, capacity: total * 2, maxPerOrder: 1);
            // A few buyers, each with many reservations (the per-event limits are lifted), registered one
            // after another: a registration costs ~1 s of hashing on a loaded 2-core machine, and thirty
            // at once met SQLite's busy timeout here (500 'database is locked').
            var buyers = new List<HttpClient>();
            for (var i = 0; i < Buyers; i++)
            {
                buyers.Add(await HostProcess.BuyerAsync(address));
            }

            HttpClient BuyerOf(int reservation) => buyers[reservation % Buyers];

            Phase("buyers registered");
            var accepted = new ConcurrentDictionary<int, Guid>();
            var keys = Enumerable.Range(0, total).Select(i => $"disk-{i}-{Guid.NewGuid():N}").ToList();

            // Settled: accepted and paid before anything goes wrong.
            await Task.WhenAll(Enumerable.Range(0, Settled).Select(async i =>
                accepted[i] = await BuyerOf(i).ReserveAcceptedAsync(type, 1)));
            foreach (var i in Enumerable.Range(0, Settled))
            {
                await BuyerOf(i).UntilAsync(accepted[i], r => r.Status() == "Acquired", $"settled reservation {accepted[i]} is acquired", seconds: 60);
            }

            // In flight: the disk is filled to its last megabyte first, then buyers reserve and the
            // last megabyte goes as soon as the first of them is accepted, while the others' requests,
            // their payments and the events after them are still on their way.
            Phase("settled");
            var answers = new ConcurrentDictionary<int, Answer>();
            using var file = new FileStream(filler, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
            var fillerBytes = Fill(file, leaveBytes: 1024 * 1024);
            var inFlight = Enumerable.Range(Settled, InFlight).Select(async i => answers[i] = await ReserveAsync(BuyerOf(i), type, keys[i])).ToList();
            await Eventually.HoldsAsync(() => answers.Count, n => n >= 1, "the first answer in flight", TimeSpan.FromSeconds(30));
            fillerBytes += Fill(file, leaveBytes: 0);
            // Closed at once: a deleted file's space returns only once nobody holds it open.
            file.Dispose();
            Phase("disk full");
            var unansweredAtFill = InFlight - answers.Count;
            var pendingAtFill = 0;
            foreach (var (i, answer) in answers.ToList())
            {
                pendingAtFill += answer.Id is { } id && (await BuyerOf(i).ReservationAsync(id)).Status() == "Pending" ? 1 : 0;
            }

            var lagAtFill = await LagAsync(organizer);
            await Task.WhenAll(inFlight);
            var why = $"{DiskMegabytes} MB disk, filled with {fillerBytes / (1024 * 1024)} MB; {Settled} settled, {InFlight} in flight "
                + $"({unansweredAtFill} unanswered, {pendingAtFill} accepted but pending and {lagAtFill} events unapplied when it filled), "
                + $"{WhileFull} reservations while full for {FullSeconds} s, {Buyers} buyers";
            // The disk filled with work in flight, not in a quiet moment.
            (unansweredAtFill + pendingAtFill + lagAtFill).ShouldBeGreaterThan(0, why);

            // While full: every buyer asks once (an Idempotency-Key each), and the host is asked
            // for what it committed, until the disk has been full for long enough.
            var whileFull = answers.Values.ToList();
            var fullSince = Stopwatch.StartNew();
            var next = Settled + InFlight;
            var reads = 0;
            string? healthWhileFull = null;
            while (fullSince.Elapsed < TimeSpan.FromSeconds(FullSeconds) || next < total)
            {
                if (next < total)
                {
                    var i = next++;
                    whileFull.Add(await ReserveAsync(BuyerOf(i), type, keys[i]));
                }

                // What was committed still reads: a settled reservation, as its buyer sees it.
                var settled = Random.Shared.Next(Settled);
                (await BuyerOf(settled).ReservationAsync(accepted[settled])).Status().ShouldBe("Acquired", why);
                reads++;
                host.HasExited.ShouldBeFalse($"the host exited while the disk was full ({why}){Environment.NewLine}{Tail(host.Output)}");
                await Task.Delay(100, ct);
            }

            healthWhileFull = await HealthAsync(address);
            foreach (var answer in whileFull.Where(a => a.Id is not null))
            {
                accepted[answer.Reservation] = answer.Id!.Value;
            }

            // A new account needs a write too: refused the same way.
            using var anonymous = new HttpClient { BaseAddress = address };
            using var registration = await anonymous.PostAsJsonAsync("/api/accounts/register",
                new { email = $"late-{Guid.NewGuid():N}@example.test", password = "Buyer-pass-1", displayName = "Late Buyer", birthDate = "1990-05-17" }, ct);
            var registrationBody = await registration.Content.ReadAsStringAsync(ct);

            var summary = string.Join(", ", whileFull.GroupBy(a => $"{(int)a.Status} {a.Problem?.Split('/')[^1]}").Select(g => $"{g.Count()}× {g.Key}"));
            TestContext.Current.TestOutputHelper?.WriteLine($"{why}; answers while full: {summary}; registration while full: {(int)registration.StatusCode} {registrationBody}; "
                + $"{reads} reads of settled reservations answered; health while full: {healthWhileFull}");
            foreach (var refusal in whileFull.Where(a => a.Status != HttpStatusCode.Accepted).Take(1))
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"first refusal: {refusal}");
            }

            // Refused, never failed: a 503 that says the disk is full and when to ask again.
            whileFull.ShouldAllBe(a => a.Status == HttpStatusCode.Accepted || a.Status == HttpStatusCode.ServiceUnavailable, $"{why}: {summary}");
            var refused = whileFull.Where(a => a.Status == HttpStatusCode.ServiceUnavailable).ToList();
            refused.Count.ShouldBeGreaterThan(0, $"a full disk refused no reservation ({why}): {summary}");
            refused.ShouldAllBe(a => a.Problem == "https://boxoffice.local/problems/storage-full" && a.RetryAfter != null, $"{why}: {summary}");
            refused[0].Detail.ShouldNotBeNull().ShouldContain("disk");
            registration.StatusCode.ShouldBeOneOf([HttpStatusCode.Created, HttpStatusCode.ServiceUnavailable], registrationBody);
            if (registration.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                JsonNode.Parse(registrationBody)!["type"]!.GetValue<string>().ShouldBe("https://boxoffice.local/problems/storage-full", registrationBody);
            }

            healthWhileFull.ShouldBe("Degraded", why);
            host.HasExited.ShouldBeFalse(why);

            // Space returns: nothing restarts. A refused buyer who asks again with the same key is accepted.
            File.Delete(filler);
            Phase("space back");
            foreach (var i in refused.Select(a => a.Reservation))
            {
                var retried = await Eventually.HoldsAsync(
                    async () =>
                    {
                        using var response = await BuyerOf(i).ReserveAsync(type, 1, idempotencyKey: keys[i]);
                        return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(ct));
                    },
                    r => r.StatusCode == HttpStatusCode.Accepted, $"reservation number {i}, refused while full, is accepted once space returned ({why})", TimeSpan.FromSeconds(60));
                accepted[i] = JsonNode.Parse(retried.Body)!["id"]!.GetValue<Guid>();
            }

            Phase("refused buyers accepted");
            // Nothing committed is lost: every reservation ever answered 202 ends acquired.
            foreach (var (i, id) in accepted)
            {
                await BuyerOf(i).UntilAsync(id, r => r.Status() == "Acquired", $"reservation {id} (number {i}) is acquired ({why})", seconds: 60);
            }

            Phase("all acquired");
            accepted.Count.ShouldBe(total, why);
            accepted.Values.Distinct().Count().ShouldBe(total, why);

            // No event was given up on as poison because the disk was full.
            var subscriptions = (JsonArray)await TestApp.Json(await organizer.GetAsync(new Uri("/api/admin/messaging/subscriptions", UriKind.Relative), ct));
            foreach (var consumer in subscriptions.Select(s => s!["consumer"]!.GetValue<string>()).Distinct())
            {
                var deadLetters = (JsonArray)await TestApp.Json(await organizer.GetAsync(new Uri($"/api/admin/messaging/consumers/{consumer}/dead-letters", UriKind.Relative), ct));
                deadLetters.Count.ShouldBe(0, $"{consumer} dead-lettered {deadLetters.ToJsonString()} ({why})");
            }

            var report = await Eventually.HoldsAsync(
                async () => await TestApp.Json(await organizer.GetAsync(new Uri("/api/admin/invariants", UriKind.Relative), ct)),
                r => r["holds"]!.GetValue<bool>(), $"every invariant holds ({why})", TimeSpan.FromSeconds(60));
            report["invariants"]!.AsArray().Count.ShouldBe(9);
            (await Eventually.HoldsAsync(() => HealthAsync(address), h => h == "Healthy", "the host is healthy again", TimeSpan.FromSeconds(30))).ShouldBe("Healthy");

            // Said once per database, not once per failed write.
            Phase("invariants hold");
            TestContext.Current.TestOutputHelper?.WriteLine($"timeline: {string.Join(", ", phases)}");
            var output = host.Output;
            var told = FullLine().Matches(output).Count;
            TestContext.Current.TestOutputHelper?.WriteLine($"'storage full' logged {told} times, 'space returned' {ReturnedLine().Matches(output).Count} times");
            told.ShouldBeInRange(1, 12, Tail(output));
            ReturnedLine().Matches(output).Count.ShouldBeGreaterThanOrEqualTo(1, Tail(output));

            foreach (var buyer in buyers)
            {
                buyer.Dispose();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new InvalidOperationException($"{ex.Message}{Environment.NewLine}The host's last output:{Environment.NewLine}{Tail(host.Output)}", ex);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private static async Task<Answer> ReserveAsync(HttpClient buyer, Guid type, string key)
    {
        var ct = TestContext.Current.CancellationToken;
        using var response = await buyer.ReserveAsync(type, 1, idempotencyKey: key);
        var body = await response.Content.ReadAsStringAsync(ct);
        var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json" ? JsonNode.Parse(body) : null;
        return new Answer(
            int.Parse(key.Split('-')[1], System.Globalization.CultureInfo.InvariantCulture),
            response.StatusCode,
            response.StatusCode == HttpStatusCode.Accepted ? JsonNode.Parse(body)!["id"]!.GetValue<Guid>() : null,
            problem?["type"]?.GetValue<string>(),
            response.Headers.RetryAfter?.ToString(),
            problem?["detail"]?.GetValue<string>());
    }

    /// <summary>Writes to <paramref name="file"/> until the disk has no more than <paramref name="leaveBytes"/> free; what it wrote.</summary>
    private static long Fill(FileStream file, long leaveBytes)
    {
        var chunk = new byte[1024 * 1024];
        long written = 0;
        // Megabytes first, then pages: a tmpfs refuses the last partial megabyte whole.
        foreach (var size in new[] { chunk.Length, 4096, 512 })
        {
            while (new DriveInfo(Path.GetDirectoryName(file.Name)!).AvailableFreeSpace > leaveBytes + (leaveBytes > 0 ? size : 0))
            {
                try
                {
                    file.Write(chunk, 0, size);
                    written += size;
                }
                catch (IOException)
                {
                    break;
                }
            }
        }

        return written;
    }

    private static async Task<string> HealthAsync(Uri address)
    {
        using var client = new HttpClient { BaseAddress = address };
        using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), TestContext.Current.CancellationToken);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    private static async Task<int> LagAsync(HttpClient organizer)
    {
        var subscriptions = (JsonArray)await TestApp.Json(await organizer.GetAsync(new Uri("/api/admin/messaging/subscriptions", UriKind.Relative), TestContext.Current.CancellationToken));
        return subscriptions.Sum(s => (int?)s!["lag"]?.GetValue<long>() ?? 0);
    }

    private sealed record Answer(int Reservation, HttpStatusCode Status, Guid? Id, string? Problem, string? RetryAfter, string? Detail);

    private static string Tail(string output) => output.Length <= 8000 ? output : output[^8000..];

    [GeneratedRegex("Disk full for .*: its writes are refused")]
    private static partial Regex FullLine();

    [GeneratedRegex("Disk space is back for")]
    private static partial Regex ReturnedLine();

    /// <summary>
    /// A size-limited tmpfs mounted on a folder, unmounted when disposed. Mounting needs root: on a
    /// laptop without it the test is skipped with a clear message; under <c>CI=true</c> it fails.
    /// </summary>
    private sealed class SmallDisk : IDisposable
    {
        private SmallDisk(string path) => Path = path;

        public string Path { get; }

        public static SmallDisk Mount(string folder, int megabytes)
        {
            var (code, output) = OperatingSystem.IsLinux()
                ? Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m,mode=0700", "tmpfs", folder)
                : (-1, "not Linux");
            if (code == 0)
            {
                return new SmallDisk(folder);
            }

            var why = $"a {megabytes} MB tmpfs could not be mounted on {folder} (mount needs root): {output.Trim()}";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"CI=true and the full-disk scenario cannot run: {why}");
            }

            Assert.Skip($"Full-disk scenario skipped: {why}. Run it as root (CI does).");
            throw new UnreachableException();
        }

        public void Dispose()
        {
            // The host is gone by now; a file it left open would make this fail, so say so.
            var (code, output) = Run("umount", Path);
            if (code != 0)
            {
                (code, output) = Run("umount", "--lazy", Path);
                TestContext.Current.TestOutputHelper?.WriteLine($"umount {Path} needed --lazy: {output}");
            }
        }

        private static (int Code, string Output) Run(string command, params string[] arguments)
        {
            var info = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }

            try
            {
                using var process = Process.Start(info)!;
                var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
                process.WaitForExit();
                return (process.ExitCode, output);
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                return (-1, ex.Message);
            }
        }
    }
}
