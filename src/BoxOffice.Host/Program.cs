using BoxOffice.Host;

// BoxOffice embedded: every service in this process, a SQLite file each, and the payment gateway
// simulator on its own port (`dotnet run --project src/BoxOffice.Host`). With `--service tickets`
// (or accounts, payments, …): that one service of the distributed deployment, on PostgreSQL and
// RabbitMQ, behind the API gateway (src/BoxOffice.Gateway).
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
