using Microsoft.Extensions.Configuration;

namespace BoxOffice.Gateway.Tests;

public sealed class ConfiguringTheGateway
{
    private static IConfiguration With(Dictionary<string, string?> settings) => new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    private static Dictionary<string, string?> Every(string url = "http://127.0.0.1:5999") =>
        RouteTable.ApiServices.ToDictionary(s => $"Gateway:Services:{s}", _ => (string?)url);

    [Fact]
    public void Several_instances_are_separated_by_semicolons()
    {
        var settings = Every();
        settings["Gateway:Services:tickets"] = "http://127.0.0.1:5102; http://127.0.0.1:5112";

        var services = GatewayApp.ReadServices(With(settings));

        services["tickets"].Select(u => u.Port).ShouldBe([5102, 5112]);
        services.ContainsKey("web").ShouldBeFalse();
    }

    [Fact]
    public void Without_any_setting_each_service_is_where_it_listens_by_default()
    {
        var services = GatewayApp.ReadServices(With([]));

        services.Keys.Order().ShouldBe(RouteTable.ApiServices.Order());
        services["accounts"].ShouldBe([new Uri("http://127.0.0.1:5101")]);
    }

    [Fact]
    public void A_service_without_an_address_is_refused()
    {
        var settings = Every();
        settings.Remove("Gateway:Services:payments");

        Should.Throw<GatewayConfigurationException>(() => GatewayApp.ReadServices(With(settings))).Message.ShouldContain("payments");
    }

    [Fact]
    public void A_name_that_is_no_service_is_refused()
    {
        var settings = Every();
        settings["Gateway:Services:ticket"] = "http://127.0.0.1:5102";

        Should.Throw<GatewayConfigurationException>(() => GatewayApp.ReadServices(With(settings))).Message.ShouldContain("ticket names no service");
    }

    [Fact]
    public void An_address_that_is_no_url_is_refused()
    {
        var settings = Every();
        settings["Gateway:Services:loyalty"] = "localhost:5106";

        Should.Throw<GatewayConfigurationException>(() => GatewayApp.ReadServices(With(settings))).Message.ShouldContain("loyalty");
    }
}
