namespace BoxOffice.LoadTest.Hosts;

/// <summary>How Tickets answers a reservation (the host's <c>Tickets:Mode</c>).</summary>
internal enum TicketsMode
{
    /// <summary>202 Accepted at once; the outcome follows as events, and the buyer polls it.</summary>
    EventDriven,

    /// <summary>The answer waits for the payment: 200 with the final reservation.</summary>
    RequestResponse,
}

internal enum Storage
{
    Sqlite,
    Postgres,
}

internal enum DeploymentKind
{
    Embedded,
    Distributed,
}

/// <summary>
/// What a run drives and how to reach it: a throwaway embedded host the tool starts (the default), the
/// distributed deployment (<c>--deployment distributed</c>), or a running host (<c>--target</c>, with
/// its signing key and organizer password).
/// </summary>
internal sealed record TargetOptions(
    DeploymentKind Deployment,
    Uri? Target,
    string? SigningKey,
    string? OrganizerPassword,
    int? HostPid,
    Storage Storage,
    string? Postgres)
{
    /// <summary>True when the tool starts the host itself and so chooses its settings.</summary>
    public bool Embedded => Deployment == DeploymentKind.Embedded && Target is null;

    public static TargetOptions From(Arguments args)
    {
        var options = new TargetOptions(
            args.Choice("--deployment", DeploymentKind.Embedded),
            args.Text("--target") is { } url ? new Uri(url) : null,
            args.Text("--signing-key"),
            args.Text("--organizer-password"),
            args.Text("--host-pid") is null ? null : args.Int("--host-pid", 0, 1),
            args.Choice("--storage", Storage.Sqlite),
            args.Text("--postgres") ?? Environment.GetEnvironmentVariable("BENCH_POSTGRES"));
        if (options.Target is not null && (options.SigningKey is null || options.OrganizerPassword is null))
        {
            throw new UsageException("--target needs --signing-key and --organizer-password (the deployment's Auth:SigningKey and Seed:OrganizerPassword).");
        }

        if (options.Target is not null && options.Deployment == DeploymentKind.Distributed)
        {
            throw new UsageException("--target and --deployment distributed do not go together.");
        }

        if (options.Storage == Storage.Postgres && string.IsNullOrWhiteSpace(options.Postgres))
        {
            throw new UsageException("--storage postgres needs --postgres \"Host=…;Username=…;Password=…\" (a role that may create databases), or BENCH_POSTGRES.");
        }

        if (options.Storage == Storage.Postgres && !options.Embedded)
        {
            throw new UsageException("--storage is a setting of the host the tool starts: a running deployment keeps its own.");
        }

        return options;
    }
}

/// <summary>The settings of a throwaway embedded host, beyond its ports and secrets.</summary>
internal sealed record HostSettings(
    TicketsMode? Mode,
    int GatewayMedianMs,
    int GatewayP99Ms,
    double GatewayFailureRate,
    Storage Storage,
    string? Postgres)
{
    public static HostSettings Default(TargetOptions target) => new(null, 300, 3000, 0, target.Storage, target.Postgres);
}
