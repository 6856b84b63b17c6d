using Microsoft.Playwright;

namespace BoxOffice.Web.Tests.Support;

/// <summary>
/// One host and one browser for a test class; each test opens its own browser context (its own
/// cookies), so tests never share a sign-in. The browser starts at the first test that needs it.
/// </summary>
public class WebFixture : IAsyncLifetime
{
    private readonly SemaphoreSlim _launch = new(1, 1);
    private WebHost? _host;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    static WebFixture() => Assertions.SetDefaultExpectTimeout(20_000);

    public WebHost Host => _host ?? throw new InvalidOperationException("The host has not started.");

    /// <summary>Settings of this class's host over the defaults.</summary>
    protected virtual IDictionary<string, string?>? Settings => null;

    public virtual async ValueTask InitializeAsync() => _host = await WebHost.StartAsync(Settings);

    /// <summary>A new browser context on the host, phone-sized when asked, with one page open.</summary>
    public async Task<Session> OpenAsync(bool phone = false)
    {
        Chromium.Require();
        await _launch.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (_browser is null)
            {
                (_playwright, _browser) = await Chromium.LaunchAsync();
            }
        }
        finally
        {
            _launch.Release();
        }

        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Host.Address.ToString(),
            ViewportSize = phone ? new ViewportSize { Width = 375, Height = 740 } : new ViewportSize { Width = 1200, Height = 900 },
            IsMobile = phone,
            HasTouch = phone,
        });
        context.SetDefaultTimeout(20_000);
        return new Session(context, await context.NewPageAsync());
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _launch.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>A test's browser context and its first page; disposing it closes the context.</summary>
public sealed class Session(IBrowserContext context, IPage page) : IAsyncDisposable
{
    public IBrowserContext Context => context;

    public IPage Page => page;

    public ValueTask DisposeAsync() => context.DisposeAsync();
}
