using BoxOffice.LoadTest.Hosts;

namespace BoxOffice.LoadTest.Flash;

internal enum ModeChoice
{
    EventDriven,
    RequestResponse,
    Both,
}

/// <summary>The flash sale's parameters (<c>flash --help</c> lists them with their defaults).</summary>
internal sealed record FlashOptions(
    int Buyers,
    int Tickets,
    int TicketTypes,
    int Quantity,
    TimeSpan Ramp,
    int GatewayMedianMs,
    int GatewayP99Ms,
    double GatewayFailureRate,
    double DeclineRate,
    double OtpRate,
    TimeSpan OtpThink,
    IReadOnlyList<TicketsMode> Modes,
    TargetOptions Target,
    TimeSpan Timeout,
    int Connections,
    int Retries,
    TimeSpan Poll,
    TimeSpan FinalDeadline,
    int GraceSeconds,
    string Out,
    string Name,
    int Seed,
    TimeSpan Ceilings)
{
    public const string Help = """
          flash [--buyers 1000] [--tickets 500] [--ticket-types 1] [--quantity 1] [--ramp 10s]
                [--gateway-median-ms 300] [--gateway-p99-ms 3000] [--gateway-failure-rate 0]
                [--decline-rate 0] [--otp-rate 0] [--otp-think 2s] [--mode EventDriven|RequestResponse|both]
                [--storage sqlite|postgres] [--postgres <server>] [--deployment embedded|distributed]
                [--target <url> --signing-key <base64> --organizer-password <pw> [--host-pid <pid>]]
                [--timeout 30s] [--connections 2000] [--retries 3] [--poll 1s] [--final-deadline 30s] [--grace 60]
                [--out bench/results] [--name flash] [--seed <random>] [--ceilings 0s]
        """;

    public static FlashOptions From(Arguments args)
    {
        var mode = args.Choice("--mode", ModeChoice.EventDriven);
        var options = new FlashOptions(
            args.Int("--buyers", 1000, 1, 10_000_000),
            args.Int("--tickets", 500, 1, 1_000_000),
            args.Int("--ticket-types", 1, 1, 50),
            args.Int("--quantity", 1, 1, 10),
            args.Duration("--ramp", TimeSpan.FromSeconds(10)),
            args.Int("--gateway-median-ms", 300, 0, 600_000),
            args.Int("--gateway-p99-ms", 3000, 0, 600_000),
            args.Double("--gateway-failure-rate", 0, 0, 1),
            args.Double("--decline-rate", 0, 0, 1),
            args.Double("--otp-rate", 0, 0, 1),
            args.Duration("--otp-think", TimeSpan.FromSeconds(2)),
            mode == ModeChoice.Both ? [TicketsMode.EventDriven, TicketsMode.RequestResponse] : [mode == ModeChoice.EventDriven ? TicketsMode.EventDriven : TicketsMode.RequestResponse],
            TargetOptions.From(args),
            args.Duration("--timeout", TimeSpan.FromSeconds(30)),
            // Buyers share this many connections, as behind a front proxy: one machine cannot open a
            // socket per buyer of 50,000 (both ends here; the host's open-file limit broke first).
            // A request waiting for a free connection counts that wait in its answer time.
            args.Int("--connections", 2000, 1, 100_000),
            args.Int("--retries", 3, 0, 100),
            args.Duration("--poll", TimeSpan.FromSeconds(1)),
            args.Duration("--final-deadline", TimeSpan.FromSeconds(30)),
            args.Int("--grace", 60, 0, 86_400),
            args.Text("--out", "bench/results"),
            args.Text("--name", "flash"),
            args.Int("--seed", Random.Shared.Next(1, int.MaxValue), 0),
            // Measured before the sale, same machine, same client: the noop and commit ceilings (0: none).
            args.Duration("--ceilings", TimeSpan.Zero));
        if (options.DeclineRate + options.OtpRate > 1)
        {
            throw new UsageException("--decline-rate and --otp-rate add up to more than 1.");
        }

        if (options.Tickets < options.TicketTypes)
        {
            throw new UsageException("--tickets must be at least --ticket-types (each type gets its share).");
        }

        if (options.Poll <= TimeSpan.Zero || options.Timeout <= TimeSpan.Zero)
        {
            throw new UsageException("--poll and --timeout must be above zero.");
        }

        if (!options.Target.Embedded && options.Modes.Count > 1)
        {
            throw new UsageException("--mode both starts a host per mode: it needs the embedded host (the mode is a host setting).");
        }

        return options;
    }

    /// <summary>The tickets of each ticket type: the total split evenly, the first types taking the remainder.</summary>
    public IReadOnlyList<int> Capacities =>
        [.. Enumerable.Range(0, TicketTypes).Select(i => Tickets / TicketTypes + (i < Tickets % TicketTypes ? 1 : 0))];
}
