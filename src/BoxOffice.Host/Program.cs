using BoxOffice.Host;

// BoxOffice embedded: every service in this process, a SQLite file each, and the payment gateway
// simulator on its own port. `dotnet run --project src/BoxOffice.Host`.
try
{
    var app = await EmbeddedHost.BuildAsync(args);
    await app.RunAsync();
    return 0;
}
catch (StartupFailed failed)
{
    await Console.Error.WriteLineAsync(failed.Message);
    return 1;
}
