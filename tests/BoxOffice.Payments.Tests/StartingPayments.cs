using BoxOffice.Messaging.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace BoxOffice.Payments.Tests;

public sealed class StartingPayments
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("not a url", null)]
    [InlineData("http://127.0.0.1:9", "0")]
    public async Task A_host_with_invalid_payments_settings_does_not_start(string? gatewayUrl, string? maxInFlight)
    {
        var dir = Path.Combine(Path.GetTempPath(), "boxoffice-payments-tests", Guid.NewGuid().ToString("N"));
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["BoxOffice:DataDirectory"] = dir,
            ["Payments:GatewayUrl"] = gatewayUrl,
            ["Payments:MaxInFlight"] = maxInFlight,
        });
        builder.Services.AddMessaging(builder.Configuration).AddDatabase("tickets").AddPayments(builder.Configuration);
        using var host = builder.Build();

        await Should.ThrowAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
    }
}
