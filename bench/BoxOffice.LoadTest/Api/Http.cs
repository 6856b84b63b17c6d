namespace BoxOffice.LoadTest.Api;

internal static class Http
{
    /// <summary>
    /// A client for load: no connection cap (an open-loop arrival must not queue in the client), no
    /// redirects, no cookies, and no client-wide timeout (each request carries its own).
    /// </summary>
    public static HttpClient Create(int maxConnections = int.MaxValue) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = maxConnections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        AllowAutoRedirect = false,
        UseCookies = false,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };
}
