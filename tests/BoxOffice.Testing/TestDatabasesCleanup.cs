namespace BoxOffice.Testing;

/// <summary>
/// An assembly fixture (<c>[assembly: AssemblyFixture(typeof(TestDatabasesCleanup))]</c>) that drops
/// the PostgreSQL databases this run's hosts left behind once the last test is done, while the runner
/// still waits. Left to process exit instead, each <c>DROP DATABASE</c> (a checkpoint each, slow on a
/// busy server) kept the process alive past xunit's 10 s watchdog, which then failed the module.
/// </summary>
public sealed class TestDatabasesCleanup : IAsyncDisposable
{
    /// <summary>Drops them (nothing on SQLite or without a server).</summary>
    /// <returns>A completed task: the drops are synchronous.</returns>
    public ValueTask DisposeAsync()
    {
        StoreUnderTest.DropLeftovers();
        return ValueTask.CompletedTask;
    }
}
