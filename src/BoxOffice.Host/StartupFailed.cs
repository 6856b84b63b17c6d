using System.Net;
using System.Net.Sockets;

namespace BoxOffice.Host;

/// <summary>A start-up failure the user can fix, with the one line that says how.</summary>
internal sealed class StartupFailed(string message) : Exception(message)
{
    /// <summary>
    /// Refuses a URL whose port another process already listens on, naming the setting that moves
    /// it. Checked before starting, so the user reads one line instead of the server's stack trace;
    /// a port taken between this check and the bind still fails, with the server's own error.
    /// </summary>
    public static void ThrowIfPortTaken(string url, string what, string setting)
    {
        if (!Uri.TryCreate(url.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
            || uri.Port == 0)
        {
            return;
        }

        var address = uri.Host switch
        {
            "localhost" => IPAddress.Loopback,
            _ when IPAddress.TryParse(uri.Host.Trim('[', ']'), out var parsed) => parsed,
            _ => null,
        };
        if (address is null)
        {
            return;
        }

        using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            probe.Bind(new IPEndPoint(address, uri.Port));
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new StartupFailed($"Cannot start: port {uri.Port} for {what} ({url}) is already in use. Stop what uses it, or set {setting} to another address.");
        }
    }
}
