using Microsoft.Playwright;

namespace BoxOffice.Web.Tests.Support;

/// <summary>
/// One host for a test class, and the run's one browser; each test opens its own browser context
/// (its own cookies), so tests never share a sign-in.
/// </summary>
public class WebFixture : IAsyncLifetime
{
    private WebHost? _host;

    public WebHost Host => _host ?? throw new InvalidOperationException("The host has not started.");

    /// <summary>Settings of this class's host over the defaults.</summary>
    protected virtual IDictionary<string, string?>? Settings => null;

    public virtual async ValueTask InitializeAsync() => _host = await WebHost.StartAsync(Settings);

    /// <summary>A new browser context on this class's host, phone-sized when asked, with one page open.</summary>
    public Task<Session> OpenAsync(bool phone = false) => Session.OpenAsync(Host, phone);

    public virtual async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>A test's browser context and its first page; disposing it closes the context.</summary>
public sealed class Session(IBrowserContext context, IPage page) : IAsyncDisposable
{
    /// <summary>A new browser context on <paramref name="host"/> (the run's one browser), with one page open.</summary>
    public static async Task<Session> OpenAsync(WebHost host, bool phone = false)
    {
        Chromium.Require();
        // A busy 2-core machine runs the whole app and the browser: give assertions room.
        Assertions.SetDefaultExpectTimeout(20_000);
        var browser = await SharedBrowser.GetAsync();
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = host.Address.ToString(),
            ViewportSize = phone ? new ViewportSize { Width = 375, Height = 740 } : new ViewportSize { Width = 1200, Height = 900 },
            IsMobile = phone,
            HasTouch = phone,
        });
        context.SetDefaultTimeout(20_000);
        return new Session(context, await context.NewPageAsync());
    }

    public IBrowserContext Context => context;

    public IPage Page => page;

    public ValueTask DisposeAsync() => context.DisposeAsync();
}
