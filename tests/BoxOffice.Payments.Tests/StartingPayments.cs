using BoxOffice.Messaging.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace BoxOffice.Payments.Tests;

public sealed class StartingPayments
{
    private const string Secret = "whsec_a_secret_long_enough_to_pass";

    [Theory]
    [InlineData(null, null)]
    [InlineData("not a url", null)]
    [InlineData("http://127.0.0.1:9", "0")]
    public async Task A_host_with_invalid_payments_settings_does_not_start(string? gatewayUrl, string? maxInFlight)
    {
        using var host = Build(gatewayUrl, maxInFlight, Secret);

        await Should.ThrowAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("whsec_too_short_123")]
    public async Task Payments_without_a_webhook_secret_of_its_own_refuses_to_start(string? secret)
    {
        using var host = Build("http://127.0.0.1:9", null, secret);

        var refused = await Should.ThrowAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        refused.Message.ShouldContain("Payments:WebhookSecret");
    }

    private static IHost Build(string? gatewayUrl, string? maxInFlight, string? secret)
    {
        var dir = Path.Combine(Path.GetTempPath(), "boxoffice-payments-tests", Guid.NewGuid().ToString("N"));
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["BoxOffice:DataDirectory"] = dir,
            ["Payments:GatewayUrl"] = gatewayUrl,
            ["Payments:MaxInFlight"] = maxInFlight,
            ["Payments:WebhookSecret"] = secret,
        });
        builder.Services.AddMessaging(builder.Configuration).AddDatabase("tickets").AddPayments(builder.Configuration);
        return builder.Build();
    }
}
