using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;

namespace BoxOffice.Host.Tests.Support;

/// <summary>
/// The lifetime of a test's host: the test starts and stops it, never a console signal. The
/// default (console) lifetime would, at process exit, stop a host a test left undisposed and then
/// wait up to twice its shutdown timeout for it to be disposed, which never comes: the test run's
/// process outlives its tests and the runner kills it as hung (seen in CI, PostgreSQL twin).
/// Such hosts are named at exit instead, with the test that started them.
/// </summary>
internal sealed class TestHostLifetime : IHostLifetime
{
    private static readonly ConcurrentDictionary<object, string> Running = new();

    static TestHostLifetime() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var startedBy in Running.Values)
        {
            Console.Error.WriteLine($"A test host was never disposed; started by {startedBy}.");
        }
    };

    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Notes a started host and the test that started it, until <see cref="Stopped"/>.</summary>
    public static void Started(object host) =>
        Running[host] = TestContext.Current.Test?.TestDisplayName ?? TestContext.Current.TestClass?.TestClassName ?? "a fixture";

    public static void Stopped(object host) => Running.TryRemove(host, out _);
}
