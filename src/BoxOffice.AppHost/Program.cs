using BoxOffice.AppHost;

// For developers: the distributed deployment under .NET Aspire, with its dashboard (traces, logs and
// metrics of every process). `dotnet run --project src/BoxOffice.AppHost` (docs/observability.md).
var builder = DistributedApplication.CreateBuilder(args);
Deployment.Add(builder);
builder.Build().Run();
