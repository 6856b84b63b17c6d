namespace BoxOffice.Host.Tests.Support;

/// <summary>One embedded host shared by a test class; each test makes its own event and buyers.</summary>
public sealed class HostFixture : IAsyncLifetime
{
    private TestApp? _app;

    public TestApp App => _app ?? throw new InvalidOperationException("The host has not started.");

    public async ValueTask InitializeAsync() => _app = await TestApp.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
