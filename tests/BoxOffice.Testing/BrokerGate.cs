namespace BoxOffice.Testing;

/// <summary>
/// Lets one test restart the shared RabbitMQ server while the test run's other assemblies use it:
/// a test that talks to the broker holds the gate shared for its duration; a test that restarts the
/// broker takes it exclusively, after the tests holding it now have finished and while new ones
/// wait. Across processes: an advisory lock on a file in the temporary folder (shared and exclusive
/// <c>flock</c>, which .NET takes for <see cref="FileShare.ReadWrite"/> and <see cref="FileShare.None"/>)
/// and a marker file that holds new shared holders back while a restart waits or runs.
/// </summary>
public static class BrokerGate
{
    private static readonly string LockFile = Path.Combine(Path.GetTempPath(), "boxoffice-test-broker.lock");
    private static readonly string RestartingFile = Path.Combine(Path.GetTempPath(), "boxoffice-test-broker.restarting");

    /// <summary>Held by a test that uses the broker: a restart waits for it, and it waits for a restart.</summary>
    public static async Task<IDisposable> SharedAsync(CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            if (!IsRestartPending())
            {
                try
                {
                    return new FileStream(LockFile, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite);
                }
                catch (IOException)
                {
                    // A restart holds it exclusively.
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The broker gate stayed closed for 5 minutes: a test restarting RabbitMQ did not finish.");
            }

            await Task.Delay(100, ct);
        }
    }

    /// <summary>Held by a test that restarts the broker: no other test is using it meanwhile.</summary>
    public static async Task<IDisposable> ExclusiveAsync(CancellationToken ct = default)
    {
        var marker = new FileStream(RestartingFile, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        File.SetLastWriteTimeUtc(RestartingFile, DateTime.UtcNow);
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (true)
        {
            try
            {
                var exclusive = new FileStream(LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                return new Exclusive(exclusive, marker);
            }
            catch (IOException)
            {
                // Tests holding it shared are still running.
            }

            if (DateTime.UtcNow > deadline)
            {
                marker.Dispose();
                File.Delete(RestartingFile);
                throw new TimeoutException("Tests using RabbitMQ kept the broker gate for 10 minutes; the restart did not run.");
            }

            await Task.Delay(100, ct);
        }
    }

    private static bool IsRestartPending()
    {
        // A marker left by a killed test run (older than any restart takes) is not a pending restart.
        var info = new FileInfo(RestartingFile);
        return info.Exists && DateTime.UtcNow - info.LastWriteTimeUtc < TimeSpan.FromMinutes(15);
    }

    private sealed class Exclusive(FileStream exclusive, FileStream marker) : IDisposable
    {
        public void Dispose()
        {
            File.Delete(RestartingFile);
            marker.Dispose();
            exclusive.Dispose();
        }
    }
}
