using System.Net;
using System.Net.Sockets;
using BoxOffice.Host.Tests.Support;
using Microsoft.Extensions.Options;

namespace BoxOffice.Host.Tests.Hosting;

/// <summary>A host that refuses a setting at start says which, and leaves nothing running behind it.</summary>
public sealed class RefusingToStart
{
    [Fact]
    public async Task A_demo_fault_in_Production_is_refused_at_start_and_the_gateway_simulator_it_started_is_stopped()
    {
        var port = FreePort();

        var refused = await Should.ThrowAsync<OptionsValidationException>(() => TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["Messaging:Faults:loyalty"] = "tickets.acquired.v1",
            ["PaymentGateway:Urls"] = $"http://127.0.0.1:{port}",
        }));

        refused.Message.ShouldContain("Messaging:Faults");
        // The simulator was listening on that port before the app's start was refused; it is free again.
        using var probe = new TcpListener(IPAddress.Loopback, port);
        Should.NotThrow(probe.Start);
        probe.Stop();
    }

    [Fact]
    public async Task PostgreSQL_storage_without_a_server_is_refused_at_start_naming_the_missing_setting()
    {
        var refused = await Should.ThrowAsync<OptionsValidationException>(() => TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["BoxOffice:Storage"] = "Postgres",
            ["ConnectionStrings:Postgres"] = null,
        }));

        refused.Message.ShouldContain("ConnectionStrings:Postgres");
    }

    [Fact]
    public async Task A_database_prefix_that_is_not_a_plain_lower_case_name_is_refused_at_start()
    {
        var refused = await Should.ThrowAsync<OptionsValidationException>(() => TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["BoxOffice:Storage"] = "Postgres",
            ["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Username=nobody",
            ["BoxOffice:DatabasePrefix"] = "Box\"; DROP DATABASE x; --",
        }));

        refused.Message.ShouldContain("DatabasePrefix");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
