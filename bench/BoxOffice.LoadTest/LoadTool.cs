using BoxOffice.LoadTest.Accept;
using BoxOffice.LoadTest.Ceiling;
using BoxOffice.LoadTest.ColdStart;
using BoxOffice.LoadTest.Flash;

namespace BoxOffice.LoadTest;

/// <summary>The tool's entry point, callable in-process (the smoke test does): a verb and its options; the exit code.</summary>
internal static class LoadTool
{
    public const string Usage = $"""
        usage: dotnet run -c Release --project bench/BoxOffice.LoadTest -- <verb> [options]

        {FlashOptions.Help}

          accept [--connections 256] [--duration 15s] [--rounds 3] [--warmup 0s] [--settle 60s] [--timeout 30s]
                 [--gateway-median-ms 300] [--gateway-p99-ms 3000] [--storage sqlite|postgres] [--postgres <server>]
                 [--deployment embedded|distributed] [--target <url> --signing-key <b64> --organizer-password <pw> [--host-pid <pid>]]
                 [--out bench/results] [--name accept]
          ceiling-server --kind noop|commit --urls http://127.0.0.1:<port> [--data <folder>]
          coldstart [--rounds 3] [--storage sqlite|postgres] [--postgres <server>] [--out bench/results] [--name coldstart]
          scenario accept|flash|compare|coldstart|smoke [options that override the preset]
        """;

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var commandLine = "dotnet run -c Release --project bench/BoxOffice.LoadTest -- " + string.Join(' ', args.Select(Quote));
        try
        {
            return args switch
            {
                ["scenario", var name, .. var rest] => await RunAsync(Scenarios.Expand(name, rest), commandLine, ct),
                _ => await RunAsync(args, commandLine, ct),
            };
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }
    }

    private static async Task<int> RunAsync(string[] args, string commandLine, CancellationToken ct) => args switch
    {
        ["flash", .. var rest] => await FlashSale.RunAsync(new Arguments(rest), commandLine, ct),
        ["accept", .. var rest] => await AcceptThroughput.RunAsync(new Arguments(rest), commandLine, ct),
        ["ceiling-server", .. var rest] => await CeilingServer.RunAsync(new Arguments(rest), ct),
        ["coldstart", .. var rest] => await ColdStartTimer.RunAsync(new Arguments(rest), commandLine, ct),
        ["--help" or "-h" or "help"] => Help(),
        _ => throw new UsageException(args.Length == 0 ? "Name a verb." : $"Unknown verb '{args[0]}'."),
    };

    private static int Help()
    {
        Console.WriteLine(Usage);
        return 0;
    }

    private static string Quote(string arg) => arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,@%+".Contains(c, StringComparison.Ordinal))
        ? arg
        : "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
