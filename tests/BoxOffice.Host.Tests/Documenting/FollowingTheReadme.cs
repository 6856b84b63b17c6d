using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BoxOffice.Host.Tests.Support;
using BoxOffice.Testing;

namespace BoxOffice.Host.Tests.Documenting;

/// <summary>
/// The README's walkthrough and the demo script, run as a new user runs them: bash, curl and jq
/// against the host started with the Development launch profile's settings.
/// </summary>
public sealed partial class FollowingTheReadme
{
    [Fact]
    public async Task The_purchase_walkthrough_pasted_in_one_go_reaches_Acquired_with_ticket_codes()
    {
        Repository.RequireTools("bash", "curl", "jq");
        var readme = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "README.md"), TestContext.Current.CancellationToken);
        var section = readme[readme.IndexOf("### A purchase with curl and jq", StringComparison.Ordinal)..];
        var script = ShellBlock().Match(section).Groups[1].Value;
        script.ShouldContain("localhost:5080");

        await using var host = await DevelopmentHostAsync();
        var (exitCode, output, errors) = await RunAsync("bash", ["-c", "set -euo pipefail\n" + script.Replace("localhost:5080", host.Address.Authority, StringComparison.Ordinal)], []);

        exitCode.ShouldBe(0, output + errors);
        var outcome = JsonNode.Parse(output)!;
        outcome["status"]!.GetValue<string>().ShouldBe("Acquired", output);
        outcome["tickets"]!.AsArray().Count.ShouldBe(2, output);
    }

    [Fact]
    public async Task The_demo_script_prints_the_codes_the_e_mail_the_points_and_the_recommendations()
    {
        Repository.RequireTools("bash", "curl", "jq");
        await using var host = await DevelopmentHostAsync();

        var (exitCode, output, errors) = await RunAsync(Path.Combine(Repository.Root, "scripts", "demo.sh"), [],
            new() { ["BOXOFFICE_URL"] = host.Address.ToString().TrimEnd('/'), ["BOXOFFICE_DATA"] = host.Data.Path });

        exitCode.ShouldBe(0, output + errors);
        output.ShouldContain(" is Acquired");
        TicketCodes().Match(output).Groups[1].Value.Split(", ").Length.ShouldBe(2, output);
        var mail = EmailLine().Match(output).Groups[1].Value;
        File.Exists(mail).ShouldBeTrue(output);
        long.Parse(PointsLine().Match(output).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(0, output);
        output.ShouldContain("Recommended next: ");
    }

    /// <summary>The host as `dotnet run` starts it: the Development launch profile's environment.</summary>
    private static async Task<DevelopmentHost> DevelopmentHostAsync()
    {
        var profile = JsonNode.Parse(await File.ReadAllTextAsync(
            Path.Combine(Repository.Root, "src", "BoxOffice.Host", "Properties", "launchSettings.json"), TestContext.Current.CancellationToken))!;
        var environment = profile["profiles"]!["Development"]!["environmentVariables"]!.AsObject()
            .ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
        var data = new TempDirectory("host");
        try
        {
            var (process, address) = await HostProcess.StartAsync(data.Path, TestContext.Current.CancellationToken, environment);
            return new DevelopmentHost(process, address, data);
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    private static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string file, string[] arguments, Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repository.Root };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private sealed record DevelopmentHost(HostProcess Process, Uri Address, TempDirectory Data) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Process.DisposeAsync();
            Data.Dispose();
        }
    }

    [GeneratedRegex("```sh\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();

    [GeneratedRegex(@"Ticket codes: (.+)")]
    private static partial Regex TicketCodes();

    [GeneratedRegex(@"E-mail: (\S+\.eml)")]
    private static partial Regex EmailLine();

    [GeneratedRegex(@"Loyalty points: (\d+)")]
    private static partial Regex PointsLine();
}
