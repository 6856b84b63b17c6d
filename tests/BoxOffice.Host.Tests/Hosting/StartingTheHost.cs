using System.Net;
using BoxOffice.Host.Tests.Support;
using BoxOffice.Testing;

namespace BoxOffice.Host.Tests.Hosting;

public sealed class StartingTheHost
{
    [Fact]
    public async Task The_embedded_host_starts_with_no_servers_and_reports_ready()
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new TempDirectory("host");

        var (host, address) = await HostProcess.StartAsync(data.Path, ct);
        await using (host)
        {
            using var http = new HttpClient { BaseAddress = address };

            var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative), ct);
            var live = await http.GetAsync(new Uri("/health/live", UriKind.Relative), ct);

            ready.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await ready.Content.ReadAsStringAsync(ct)).ShouldBe("Healthy");
            live.StatusCode.ShouldBe(HttpStatusCode.OK);
            host.Output.ShouldContain($"data lives in {data.Path}");
        }
    }
}
