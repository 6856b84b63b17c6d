// BoxOffice's flash-sale load tool. It starts the embedded host as a child process (or drives a
// running deployment), creates an event, drives buyers at it and writes a report: report.md,
// summary.json and PNG plots in bench/results/<yyyyMMdd-HHmmss>-<name>/. Exit code 0 when the run
// passed (invariants hold, nothing oversold, every accepted reservation final, no 5xx but a 503 with
// Retry-After, no client timeout or connection error), 1 when it did not, 2 for a wrong command line.
//
// Usage (from the repository root; `-- --help` lists every option with its default):
//   dotnet run -c Release --project bench/BoxOffice.LoadTest -- scenario smoke          # 40 buyers, 20 tickets, both modes: a minute at most
//   dotnet run -c Release --project bench/BoxOffice.LoadTest -- scenario flash          # 50,000 buyers for 10,000 tickets over 10 s
//   dotnet run -c Release --project bench/BoxOffice.LoadTest -- scenario compare        # 2,000 buyers at once, EventDriven then RequestResponse
//   dotnet run -c Release --project bench/BoxOffice.LoadTest -- scenario accept         # closed loop vs the noop and commit ceilings, 3 rounds
//   dotnet run -c Release --project bench/BoxOffice.LoadTest -- scenario coldstart      # process start → ready → first 202, 3 rounds
//   dotnet run -c Release --project bench/BoxOffice.LoadTest -- flash --buyers 2000 --tickets 1000 --ramp 5s --otp-rate 0.1 --decline-rate 0.1
//   dotnet run -c Release --project bench/BoxOffice.LoadTest -- accept --rounds 1 --duration 5s
//   dotnet run -c Release --project bench/BoxOffice.LoadTest -- ceiling-server --kind commit --urls http://127.0.0.1:5390
// Options after a scenario's name override its preset (`scenario flash --buyers 5000`). Against a
// running host: `flash --target http://127.0.0.1:5080 --signing-key <Auth:SigningKey> --organizer-password <pw> [--host-pid <pid>]`;
// against the distributed deployment: `--deployment distributed` (brought up and down again if it is not running).
// On PostgreSQL: `--storage postgres --postgres "Host=…;Username=…;Password=…"` (databases of the run's own, dropped at the end).
// The machine is shared and small: the scenarios take minutes; `scenario smoke` is the quick check.
using BoxOffice.LoadTest;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C cancels the run (its hosts are still stopped and cleaned up); a second one kills the tool.
    e.Cancel = !stop.IsCancellationRequested;
    stop.Cancel();
};
return await LoadTool.RunAsync(args, stop.Token);
