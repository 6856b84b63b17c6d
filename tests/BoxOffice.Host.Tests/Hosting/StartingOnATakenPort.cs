using System.Net;
using System.Net.Sockets;
using BoxOffice.Host.Tests.Support;
using BoxOffice.Testing;

namespace BoxOffice.Host.Tests.Hosting;

/// <summary>A taken port stops the host with one line that names the setting to change, not a stack trace.</summary>
public sealed class StartingOnATakenPort
{
    [Theory]
    [InlineData("gateway")]
    [InlineData("api")]
    public async Task A_taken_port_is_one_line_naming_the_setting_and_exit_code_1(string which)
    {
        var ct = TestContext.Current.CancellationToken;
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = $"http://127.0.0.1:{((IPEndPoint)squatter.LocalEndpoint).Port}";
        using var data = new TempDirectory("host");

        var (exitCode, output) = which == "gateway"
            ? await HostProcess.RunToExitAsync(data.Path, new Dictionary<string, string> { ["PaymentGateway__Urls"] = taken }, ct)
            : await HostProcess.RunToExitAsync(data.Path, new Dictionary<string, string>(), ct, urls: taken);

        exitCode.ShouldBe(1, output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.ShouldHaveSingleItem(output);
        lines[0].ShouldContain("is already in use");
        lines[0].ShouldContain(which == "gateway" ? "PaymentGateway:Urls" : "--urls");
    }
}
