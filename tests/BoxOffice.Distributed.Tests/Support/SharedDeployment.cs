namespace BoxOffice.Distributed.Tests.Support;

/// <summary>
/// One deployment (two Tickets, two Payments, every other service once) shared by the tests that do
/// not need one of their own: starting ten processes is the slow part. Started by the first test
/// that asks, after the servers are known to be there (a laptop without them skips).
/// </summary>
public sealed class SharedDeployment : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Deployment? _deployment;

    public async Task<Deployment> GetAsync()
    {
        DistributedServers.Require();
        await _gate.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            return _deployment ??= await Deployment.StartAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_deployment is not null)
        {
            await _deployment.DisposeAsync();
        }

        _gate.Dispose();
    }
}
