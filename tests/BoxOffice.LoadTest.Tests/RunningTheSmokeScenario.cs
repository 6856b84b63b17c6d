using System.Text.Json.Nodes;
using BoxOffice.Testing;

namespace BoxOffice.LoadTest.Tests;

/// <summary>
/// The load tool's own smoke scenario, run in-process as a user runs it, so the tool never rots: it
/// starts its own host (a temporary data folder, free ports), sells 20 tickets to 40 buyers, and its
/// report must say that the run passed with nothing to forgive. The host is killed and its folder
/// removed by the tool even when the run fails; the report folder goes with the test's temporary folder.
/// </summary>
public sealed class RunningTheSmokeScenario
{
    [Theory(Timeout = 180_000)]
    [InlineData("EventDriven")]
    [InlineData("RequestResponse")]
    public async Task A_small_flash_sale_passes_with_sold_out_answers_and_every_reservation_final(string mode)
    {
        using var output = new TempDirectory("loadtest");

        // A later final deadline than the preset's: CI runs this beside the other test modules on two
        // cores, and this test checks what the sale did, not how fast (nothing else is eased).
        var exitCode = await LoadTool.RunAsync(
            ["scenario", "smoke", "--mode", mode, "--final-deadline", "60s", "--out", output.Path], TestContext.Current.CancellationToken);

        var run = Directory.GetDirectories(output.Path).ShouldHaveSingleItem();
        var report = File.ReadAllText(Path.Combine(run, "report.md"));
        exitCode.ShouldBe(0, report);
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "summary.json")))!;
        ((bool)summary["passed"]!).ShouldBeTrue(report);
        var sale = summary["modes"]!.AsArray().ShouldHaveSingleItem()!;
        ((string)sale["mode"]!).ShouldBe(mode);
        var outcomes = sale["outcomes"]!;
        var accepted = (long)outcomes["accepted"]!;
        accepted.ShouldBeGreaterThan(0, report);
        ((long)outcomes["soldOut"]!).ShouldBeGreaterThan(0, report);
        ((long)outcomes["acquiredTickets"]!).ShouldBe((long)outcomes["sold"]!, report);
        ((long)outcomes["sold"]!).ShouldBeLessThanOrEqualTo((long)outcomes["capacity"]!, report);
        ((long)outcomes["notFinal"]!).ShouldBe(0, report);
        outcomes["finals"]!.AsObject().Sum(f => (long)f.Value!).ShouldBe(accepted, report);
        ((bool)sale["invariants"]!["holds"]!).ShouldBeTrue(report);
        foreach (var file in new[] { "latency.png", "throughput.png", "resources.png" })
        {
            var png = File.ReadAllBytes(Path.Combine(run, file));
            png.Length.ShouldBeGreaterThan(1000, file);
            png.Take(4).ShouldBe(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, file);
        }
    }
}
