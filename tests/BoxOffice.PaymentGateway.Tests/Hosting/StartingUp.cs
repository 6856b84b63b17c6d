using BoxOffice.PaymentGateway.Tests.Support;
using BoxOffice.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;

namespace BoxOffice.PaymentGateway.Tests.Hosting;

public sealed class StartingUp
{
    [Fact]
    public async Task Standalone_it_listens_on_port_5081()
    {
        Assert.SkipWhen(
            new[] { "ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_HTTP_PORTS", "DOTNET_HTTP_PORTS", "HTTP_PORTS" }.Any(v => Environment.GetEnvironmentVariable(v) is { Length: > 0 }),
            "the environment already says where to listen");
        await using var app = PaymentGatewayApp.Build([]);

        app.Configuration[WebHostDefaults.ServerUrlsKey].ShouldBe("http://localhost:5081");
    }

    [Fact]
    public async Task Given_urls_it_listens_where_it_is_told()
    {
        await using var app = PaymentGatewayApp.Build(["--urls", "http://127.0.0.1:0"]);

        app.Configuration[WebHostDefaults.ServerUrlsKey].ShouldBe("http://127.0.0.1:0");
    }

    [Fact]
    public async Task The_database_is_gateway_db_in_the_data_directory_under_the_content_root()
    {
        await using var gateway = await GatewayHost.StartAsync();

        File.Exists(Path.Combine(gateway.ContentRoot, "data", "gateway.db")).ShouldBeTrue();
    }

    [Fact]
    public async Task Charges_survive_a_restart()
    {
        using var directory = new TempDirectory("gateway");
        var settings = new Dictionary<string, string?> { ["PaymentGateway:DataDirectory"] = directory.Path };
        string firstBody;
        await using (var gateway = await GatewayHost.StartAsync(settings))
        {
            using var first = await gateway.CreateIntentAsync("key-1", "tok_visa");
            firstBody = await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        }

        await using var restarted = await GatewayHost.StartAsync(settings);
        using var repeat = await restarted.CreateIntentAsync("key-1", "tok_visa");

        (await repeat.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldBe(firstBody);
        (await restarted.ChargesAsync()).ShouldBe(1);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("whsec_too_short_123")]
    public async Task Standalone_it_refuses_to_start_without_a_webhook_secret_of_its_own(string? secret)
    {
        using var directory = new TempDirectory("gateway");
        await using var app = PaymentGatewayApp.Build(["--urls", "http://127.0.0.1:0", "--contentRoot", directory.Path], builder =>
        {
            if (secret is not null)
            {
                builder.Configuration["PaymentGateway:WebhookSecret"] = secret;
            }
        });

        var refused = await Should.ThrowAsync<OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));
        refused.Message.ShouldContain("PaymentGateway:WebhookSecret");
    }
}
