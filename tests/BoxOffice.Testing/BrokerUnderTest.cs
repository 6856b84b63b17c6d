using System.Collections.Concurrent;
using RabbitMQ.Client;
using Xunit;

namespace BoxOffice.Testing;

/// <summary>
/// The RabbitMQ broker tests of the RabbitMQ transport run against, from <c>BOXOFFICE_TEST_RABBITMQ</c>
/// (an AMQP URI, <c>amqp://user:password@127.0.0.1:5672/</c>; <c>.ci/run</c> sets it). Like
/// <see cref="StoreUnderTest"/>: skipped with a message on a laptop without it, a failure under
/// <c>CI=true</c>. Every data folder gets its own names on the broker (the prefix is the folder's
/// database prefix), deleted with the folder.
/// </summary>
public static class BrokerUnderTest
{
    /// <summary>The variable naming the broker for tests.</summary>
    public const string ServerVariable = "BOXOFFICE_TEST_RABBITMQ";

    private static readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> Created = new(StringComparer.Ordinal);
    private static readonly Lazy<string?> Unavailable = new(Probe);

    static BrokerUnderTest() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var prefix in Created.Keys)
        {
            Delete(prefix);
        }
    };

    /// <summary>The broker's AMQP URI.</summary>
    public static string Server => Environment.GetEnvironmentVariable(ServerVariable) ?? "";

    /// <summary>Skips the test when no broker is reachable on a laptop; fails it under <c>CI=true</c>.</summary>
    public static void RequireServer()
    {
        if (Unavailable.Value is not { } why)
        {
            return;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"CI=true and the RabbitMQ tests cannot run: {why}");
        }

        Assert.Skip($"RabbitMQ tests skipped: {why} (.ci/run installs and starts RabbitMQ and sets {ServerVariable}).");
    }

    /// <summary>
    /// The settings that put a host of <paramref name="dataDirectory"/> on the broker
    /// (<c>Messaging:Transport</c>, <c>ConnectionStrings:RabbitMq</c>, <c>BoxOffice:DatabasePrefix</c>),
    /// remembering the <paramref name="services"/> (consumers and producers) whose queues to delete afterwards.
    /// </summary>
    /// <param name="dataDirectory">The host's data folder.</param>
    /// <param name="services">The consumers and producers of the host, for the clean-up.</param>
    public static IReadOnlyDictionary<string, string?> SettingsFor(string dataDirectory, params string[] services)
    {
        ArgumentNullException.ThrowIfNull(services);
        RequireServer();
        var prefix = StoreUnderTest.PrefixFor(dataDirectory);
        var names = Created.GetOrAdd(prefix, _ => new ConcurrentDictionary<string, byte>(StringComparer.Ordinal));
        foreach (var service in services)
        {
            names.TryAdd(service, 0);
        }

        return new Dictionary<string, string?>
        {
            ["Messaging:Transport"] = "RabbitMq",
            ["ConnectionStrings:RabbitMq"] = Server,
            ["BoxOffice:DatabasePrefix"] = prefix,
        };
    }

    /// <summary>A connection to the broker, for a test that publishes or inspects queues itself.</summary>
    public static Task<IConnection> ConnectAsync() =>
        new ConnectionFactory { Uri = new Uri(Server), AutomaticRecoveryEnabled = false, ClientProvidedName = "boxoffice-tests" }.CreateConnectionAsync();

    /// <summary>
    /// Closes, from the broker's side (<c>rabbitmqctl close_connection</c>), every connection whose
    /// name starts with <paramref name="connectionNamePrefix"/>, as an operator or a failing node would;
    /// other connections (other tests, other programs) are left alone. Skips the test where
    /// <c>rabbitmqctl</c> cannot be run (it needs the broker's Erlang cookie).
    /// </summary>
    /// <param name="connectionNamePrefix">The start of the client-provided connection names to close.</param>
    /// <returns>How many connections were closed.</returns>
    public static async Task<int> CloseConnectionsAsync(string connectionNamePrefix)
    {
        // The JSON listing has the names; close_connection wants the pid as the table prints it
        // (<rabbit@host.N.ID.S> there, #PID<X.ID.S> in JSON: the last two numbers match).
        var (code, json) = await RabbitMqCtlAsync("list_connections", "--formatter", "json", "pid", "client_properties");
        var (tableCode, table) = await RabbitMqCtlAsync("list_connections", "pid");
        if (code != 0 || tableCode != 0)
        {
            Assert.Skip($"rabbitmqctl cannot list the broker's connections here (exit {code}): {json}");
        }

        var closed = 0;
        var listing = System.Text.Json.JsonDocument.Parse(json[json.IndexOf('[', StringComparison.Ordinal)..]);
        foreach (var connection in listing.RootElement.EnumerateArray())
        {
            var name = connection.GetProperty("client_properties").ValueKind == System.Text.Json.JsonValueKind.Array
                ? connection.GetProperty("client_properties").EnumerateArray()
                    .Where(p => p[0].GetString() == "connection_name").Select(p => p[2].GetString()).FirstOrDefault()
                : null;
            if (name is null || !name.StartsWith(connectionNamePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var parts = connection.GetProperty("pid").GetString()!.TrimEnd('>').Split('.');
            var suffix = "." + parts[^2] + "." + parts[^1] + ">";
            var pid = table.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith('<') && l.EndsWith(suffix, StringComparison.Ordinal))
                ?? throw new InvalidOperationException($"Connection '{name}' ({connection.GetProperty("pid")}) is not in rabbitmqctl's table: {table}");
            var (closeCode, output) = await RabbitMqCtlAsync("close_connection", pid, "closed by a BoxOffice test");
            if (closeCode != 0)
            {
                throw new InvalidOperationException($"rabbitmqctl close_connection {pid} failed ({closeCode}): {output}");
            }

            closed++;
        }

        return closed;
    }

    private static async Task<(int Code, string Output)> RabbitMqCtlAsync(params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo("rabbitmqctl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = System.Diagnostics.Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, await output + await error);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, ex.Message);
        }
    }

    /// <summary>Deletes a data folder's exchanges and queues (nothing when it had none).</summary>
    public static void Forget(string dataDirectory)
    {
        var prefix = StoreUnderTest.PrefixFor(dataDirectory);
        if (Created.ContainsKey(prefix))
        {
            Delete(prefix);
        }
    }

    private static void Delete(string prefix)
    {
        if (!Created.TryRemove(prefix, out var services))
        {
            return;
        }

        try
        {
            DeleteAsync(prefix, services.Keys).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.BrokerUnreachableException or IOException)
        {
            // The broker went away first: nothing more to do.
        }
    }

    private static async Task DeleteAsync(string prefix, IEnumerable<string> services)
    {
        await using var connection = await ConnectAsync();
        var queues = new List<string> { prefix + ".unrouted" };
        foreach (var service in services)
        {
            queues.AddRange([$"{prefix}.{service}", $"{prefix}.{service}.dead-letters", $"{prefix}.{service}.replays"]);
        }

        foreach (var queue in queues)
        {
            // A channel each: deleting what does not exist may close the channel.
            await using var channel = await connection.CreateChannelAsync();
            try
            {
                await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false);
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
            }
        }

        foreach (var exchange in new[] { ".events", ".unrouted", ".dead-letters", ".control" })
        {
            await using var channel = await connection.CreateChannelAsync();
            try
            {
                await channel.ExchangeDeleteAsync(prefix + exchange, ifUnused: false);
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
            }
        }
    }

    private static string? Probe()
    {
        if (string.IsNullOrWhiteSpace(Server))
        {
            return $"{ServerVariable} is not set";
        }

        try
        {
            using var connection = ConnectAsync().GetAwaiter().GetResult();
            return null;
        }
        catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.BrokerUnreachableException or UriFormatException or ArgumentException)
        {
            return $"the broker in {ServerVariable} cannot be reached ({ex.Message})";
        }
    }
}
