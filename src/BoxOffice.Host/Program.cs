using BoxOffice.Host;
using BoxOffice.Host.Invariants;

// BoxOffice embedded: every service in this process, a SQLite file each, and the payment gateway
// simulator on its own port (`dotnet run --project src/BoxOffice.Host`). With `--service tickets`
// (or accounts, payments, …): that one service of the distributed deployment, on PostgreSQL and
// RabbitMQ, behind the API gateway (src/BoxOffice.Gateway). With `invariants`: the operators'
// invariant check over every service's database, printed as JSON (exit 0 holds, 1 broken, 2 unread).
if (InvariantsCommand.IsRequested(args))
{
    return await InvariantsCommand.RunAsync(args, Console.Out, Console.Error);
}

try
{
    var app = ServiceHost.Requested(args) is { } service
        ? await ServiceHost.BuildAsync(args, service)
        : await EmbeddedHost.BuildAsync(args);
    await app.RunAsync();
    return 0;
}
catch (StartupFailed failed)
{
    await Console.Error.WriteLineAsync(failed.Message);
    return 1;
}
