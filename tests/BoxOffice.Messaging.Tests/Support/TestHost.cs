using System.Globalization;
using System.Runtime.CompilerServices;
using BoxOffice.Messaging.Hosting;
using BoxOffice.Messaging.Operations;
using BoxOffice.Messaging.Storage;
using BoxOffice.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BoxOffice.Messaging.Tests.Support;

/// <summary>A real generic host running the messaging core on SQLite files in a folder of its own.</summary>
internal sealed class TestHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly IDisposable? _brokerGate;

    private TestHost(IHost host, IDisposable? brokerGate)
    {
        _host = host;
        _brokerGate = brokerGate;
    }

    public IServiceProvider Services => _host.Services;

    public MessagingAdmin Admin => Services.GetRequiredService<MessagingAdmin>();

    public MessagingRuntime Runtime => Services.GetRequiredService<MessagingRuntime>();

    public ServiceDatabase Database(string name) => Services.GetRequiredKeyedService<ServiceDatabase>(name);

    public static async Task<TestHost> StartAsync(
        string dataDirectory,
        Action<MessagingBuilder> configure,
        Action<MessagingOptions>? options = null,
        Action<IServiceCollection>? services = null,
        IDictionary<string, string?>? settings = null,
        string environment = "Production",
        bool postgres = false,
        string[]? broker = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = environment });
        builder.Configuration["BoxOffice:DataDirectory"] = dataDirectory;
        // Short backoff keeps poison tests quick; the bounds themselves are what is tested.
        builder.Configuration["Messaging:InitialBackoff"] = "00:00:00.010";
        builder.Configuration["Messaging:MaxBackoff"] = "00:00:00.050";
        // On the broker: broker names the host's consumers and producers, whose queues go with the folder.
        var brokerSettings = broker is null ? new Dictionary<string, string?>() : BrokerUnderTest.SettingsFor(dataDirectory, broker);
        foreach (var (key, value) in StoreUnderTest.SettingsFor(dataDirectory, postgres).Concat(brokerSettings).Concat(settings ?? new Dictionary<string, string?>()))
        {
            builder.Configuration[key] = value;
        }

        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        configure(builder.Services.AddMessaging(builder.Configuration));
        if (options is not null)
        {
            builder.Services.PostConfigure(options);
        }

        services?.Invoke(builder.Services);
        var host = builder.Build();
        // On the broker: a test that restarts RabbitMQ (the distributed tests) waits until this host is gone.
        var gate = broker is null ? null : await BrokerGate.SharedAsync(TestContext.Current.CancellationToken);
        try
        {
            await host.StartAsync(TestContext.Current.CancellationToken);
        }
        catch
        {
            gate?.Dispose();
            throw;
        }

        return new TestHost(host, gate);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
        _brokerGate?.Dispose();
    }
}

internal static class Sql
{
    public static async Task<long> LongAsync(ServiceDatabase database, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await database.OpenReadAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.With(name, value);
        }

        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? 0 : Convert.ToInt64(result, CultureInfo.InvariantCulture);
    }

    public static async Task<List<string>> RowsAsync(ServiceDatabase database, string sql)
    {
        await using var connection = await database.OpenReadAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var values = new object[reader.FieldCount];
            reader.GetValues(values);
            rows.Add(string.Join("|", values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))));
        }

        return rows;
    }
}

internal static class MessagingTestDefaults
{
    /// <summary>Consumers in these tests get up to 20 seconds to catch up unless a call says otherwise.</summary>
    [ModuleInitializer]
    internal static void WaitTwentySeconds() => Eventually.DefaultTimeout = TimeSpan.FromSeconds(20);
}
