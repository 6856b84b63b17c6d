using BoxOffice.Gateway;

// The API gateway of the distributed deployment: http://localhost:5080, like the embedded host, so
// clients cannot tell the two apart. Destinations: Gateway:Services:<service> (appsettings.json).
try
{
    GatewayApp.Build(args).Run();
    return 0;
}
catch (GatewayConfigurationException refused)
{
    await Console.Error.WriteLineAsync(refused.Message);
    return 1;
}
