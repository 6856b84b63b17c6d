using BoxOffice.Host;
using BoxOffice.Messaging.Hosting;

var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
{
    builder.WebHost.UseUrls("http://localhost:5080");
}

builder.Services.AddMessaging(builder.Configuration);
builder.Services.AddProblemDetails();
builder.Services.AddHealthChecks().AddCheck<MessagingReadiness>("messaging", tags: ["ready"]);

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapHealth();
app.Lifetime.ApplicationStarted.Register(() =>
    app.Logger.LogInformation("BoxOffice is running embedded; data lives in {DataDirectory}", app.Services.GetRequiredService<MessagingRuntime>().DataDirectory));
app.Run();
