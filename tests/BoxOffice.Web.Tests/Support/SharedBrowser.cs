using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(BoxOffice.Web.Tests.Support.SharedBrowser))]

namespace BoxOffice.Web.Tests.Support;

/// <summary>
/// The test run's one Chromium, launched by the first test that needs it (a launch costs seconds on
/// a busy 2-core machine) and closed when the run ends; tests isolate themselves with contexts.
/// </summary>
public sealed class SharedBrowser : IAsyncDisposable
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static IPlaywright? _playwright;
    private static IBrowser? _browser;

    public static async Task<IBrowser> GetAsync()
    {
        await Gate.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (_browser is null)
            {
                (_playwright, _browser) = await Chromium.LaunchAsync();
            }

            return _browser;
        }
        finally
        {
            Gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}
