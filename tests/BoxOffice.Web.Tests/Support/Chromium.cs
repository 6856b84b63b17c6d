using Microsoft.Playwright;

namespace BoxOffice.Web.Tests.Support;

/// <summary>
/// Debian's Chromium driven by Playwright (never Playwright's own browser download, which does not
/// work here). On a laptop without <c>/usr/bin/chromium</c> the browser tests skip with a message;
/// under <c>CI=true</c> they fail (.ci/run installs it).
/// </summary>
public static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static void Require()
    {
        if (File.Exists(ExecutablePath))
        {
            return;
        }

        const string why = $"{ExecutablePath} is not installed (apt-get install -y chromium; .ci/run installs it)";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"CI=true and the browser tests cannot run: {why}.");
        }

        Assert.Skip($"Browser tests skipped: {why}.");
    }

    public static async Task<(IPlaywright, IBrowser)> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
        return (playwright, browser);
    }
}
