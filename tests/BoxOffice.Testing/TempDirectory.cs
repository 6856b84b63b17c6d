namespace BoxOffice.Testing;

/// <summary>
/// A folder for one test's (or one host's) files, under <c>{OS temp}/boxoffice-tests</c>, removed on
/// <see cref="Dispose"/>.
/// </summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>Creates a new, empty folder named <c>{prefix}-{random}</c>.</summary>
    /// <param name="prefix">The start of the folder's name, telling whose it is (for example <c>payments</c>).</param>
    public TempDirectory(string prefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        Path = Directory.CreateDirectory(
            System.IO.Path.Combine(System.IO.Path.GetTempPath(), "boxoffice-tests", prefix + "-" + Guid.NewGuid().ToString("N"))).FullName;
    }

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>
    /// Drops the folder's PostgreSQL databases when the tests run on PostgreSQL and its exchanges and
    /// queues when they ran on RabbitMQ, and deletes the folder with everything in it. The hosts that
    /// kept their files here have let go of their pooled connections when they were disposed (each
    /// database clears its own pools, and only those: other tests' pools are left alone). A file still
    /// closing is left behind: the OS temp folder is cleaned anyway.
    /// </summary>
    public void Dispose()
    {
        StoreUnderTest.Forget(Path);
        BrokerUnderTest.Forget(Path);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file may still be closing (a killed child process, a host stopping); see above.
        }
    }
}
