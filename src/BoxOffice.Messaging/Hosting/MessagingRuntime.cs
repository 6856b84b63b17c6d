using BoxOffice.Messaging.Broker;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BoxOffice.Messaging.Hosting;

/// <summary>
/// Opens and migrates every hosted database, then runs every consumer subscription and the log
/// retention sweep until the host stops.
/// </summary>
public sealed partial class MessagingRuntime : IHostedService
{
    private readonly DatabaseRegistry _databases;
    private readonly IReadOnlyList<ConsumerDefinition> _definitions;
    private readonly IEnumerable<UpcasterDefinition> _upcasters;
    private readonly MessagingOptions _options;
    private readonly TimeProvider _time;
    private readonly IServiceProvider _services;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly List<ConsumerGroup> _consumers = [];
    private readonly List<Relay> _relays = [];
    private BrokerConnections? _broker;
    private readonly List<Task> _loops = [];
    private CancellationTokenSource? _stopping;

    internal MessagingRuntime(
        DatabaseRegistry databases,
        IEnumerable<ConsumerDefinition> definitions,
        IEnumerable<UpcasterDefinition> upcasters,
        IOptions<MessagingOptions> options,
        TimeProvider time,
        IServiceProvider services,
        ILoggerFactory loggers)
    {
        _databases = databases;
        _definitions = [.. definitions];
        _upcasters = upcasters;
        _options = options.Value;
        _time = time;
        _services = services;
        _loggers = loggers;
        _logger = loggers.CreateLogger<MessagingRuntime>();
    }

    /// <summary>True once every database is migrated and every consumer is running.</summary>
    public bool IsReady { get; private set; }

    /// <summary>Where the databases are, for a start-up line: the data directory's SQLite files, or the PostgreSQL databases.</summary>
    public string StorageDescription => _options.Storage == StorageProvider.Postgres
        ? $"PostgreSQL databases {string.Join(", ", _databases.All.Select(d => d.Location))}"
        : "SQLite files in the data folder";

    /// <summary>The data directory, as an absolute path.</summary>
    public string DataDirectory => Path.GetFullPath(_options.DataDirectory);

    internal IReadOnlyList<ConsumerGroup> Consumers => _consumers;

    internal IEnumerable<ServiceDatabase> Databases => _databases.All;

    internal IReadOnlyList<Relay> Relays => _relays;

    /// <summary>The process's broker connections when the transport is RabbitMQ.</summary>
    internal BrokerConnections? Broker => _broker;

    internal BrokerNames? BrokerNames => _broker?.Names;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var database in _databases.All)
        {
            await database.OpenAsync(cancellationToken);
            await MigrationRunner.ApplyAsync(database, database.Migrations, _time, _logger, cancellationToken);
        }

        var hooks = _services.GetService<MessagingHooks>();
        var upcasters = new Upcasters(_upcasters, _services);
        var faults = CheckFaults();
        if (_options.Transport == Transport.RabbitMq)
        {
            // Every hosted log is relayed; every consumer reads its queue (no source database needs to be here).
            _broker = new BrokerConnections(_options, _loggers.CreateLogger<BrokerConnections>());
            foreach (var database in _databases.All)
            {
                _relays.Add(new Relay(database, _broker, _options, _time, _loggers.CreateLogger<Relay>()));
            }
        }

        foreach (var definition in _definitions)
        {
            if (_consumers.Any(c => c.Name == definition.Name))
            {
                throw new InvalidOperationException($"Consumer '{definition.Name}' is registered twice.");
            }

            if (definition.Handlers.Keys.FirstOrDefault(upcasters.IsUpcast) is { } old)
            {
                throw new InvalidOperationException(
                    $"Consumer '{definition.Name}' handles '{old}', which is upcast to '{upcasters.Latest(old)}' on read: handle the latest version.");
            }

            var group = new ConsumerGroup(definition, _databases.Get(definition.Database), _services, upcasters, faults.GetValueOrDefault(definition.Name));
            if (_broker is not null)
            {
                group.Broker = new BrokerConsumer(group, _broker, _options, _time, hooks, _loggers.CreateLogger<BrokerConsumer>());
                _consumers.Add(group);
                continue;
            }

            foreach (var sourceName in definition.Sources)
            {
                if (!_databases.TryGet(sourceName, out var source))
                {
                    throw new InvalidOperationException(
                        $"Consumer '{definition.Name}' handles events of '{sourceName}', but no database '{sourceName}' is hosted in this process: "
                        + "host it here, or run the services apart with Messaging:Transport=RabbitMq.");
                }

                group.Add(new SubscriptionRunner(group, source, _options, _time, hooks, _loggers.CreateLogger<SubscriptionRunner>()));
            }

            _consumers.Add(group);
        }

        _stopping = new CancellationTokenSource();
        var token = _stopping.Token;
        foreach (var subscription in _consumers.SelectMany(c => c.Subscriptions))
        {
            _loops.Add(Task.Run(() => subscription.RunAsync(token), CancellationToken.None));
        }

        foreach (var consumer in _consumers)
        {
            if (consumer.Broker is { } broker)
            {
                _loops.Add(Task.Run(() => broker.RunAsync(token), CancellationToken.None));
            }
        }

        foreach (var relay in _relays)
        {
            _loops.Add(Task.Run(() => relay.RunAsync(token), CancellationToken.None));
        }

        if (_options.Retention > TimeSpan.Zero)
        {
            var sweep = new RetentionSweep(this, new WorkLoopServices(Options.Create(_options), _time, _loggers));
            _loops.Add(Task.Run(() => sweep.RunAsync(token), CancellationToken.None));
        }

        IsReady = true;
        LogStarted(_databases.All.Count(), _consumers.Sum(c => c.Subscriptions.Count), DataDirectory);
    }

    /// <summary>The demo faults, refused when they could never fire (a typo would make a silent demo), and logged loudly.</summary>
    private Dictionary<string, string> CheckFaults()
    {
        var faults = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (consumer, type) in _options.ActiveFaults)
        {
            var definition = _definitions.FirstOrDefault(d => d.Name == consumer)
                ?? throw new InvalidOperationException(
                    $"Messaging:Faults:{consumer} names no consumer of this process; the consumers are {string.Join(", ", _definitions.Select(d => d.Name))}.");
            if (!definition.Handlers.ContainsKey(type))
            {
                throw new InvalidOperationException(
                    $"Messaging:Faults:{consumer} is '{type}', which consumer '{consumer}' does not handle; it handles {string.Join(", ", definition.Handlers.Keys)}.");
            }

            faults[consumer] = type;
            LogFault(consumer, type);
        }

        return faults;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        IsReady = false;
        if (_stopping is null)
        {
            return;
        }

        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_loops).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's shutdown timeout passed; committed work is durable, the rest is retried on start.
        }

        if (_broker is not null)
        {
            await _broker.DisposeAsync();
            _broker = null;
        }

        foreach (var database in _databases.All)
        {
            await database.DisposeAsync();
        }

        _stopping.Dispose();
        _stopping = null;
    }

    /// <summary>
    /// Deletes events older than the retention period that every consumer in this process has
    /// applied — on RabbitMQ, that the relay has published (the broker has them; consumers elsewhere
    /// are the broker's to serve) — in small transactions so writers are never held up for long.
    /// On RabbitMQ it also forgets inbox rows past the retention period: a duplicate delivery comes
    /// within minutes, and a replay only ever sends events still in the log.
    /// </summary>
    internal async Task<int> SweepAsync(CancellationToken ct)
    {
        var cutoff = (_time.GetUtcNow() - _options.Retention).ToUnixTimeMilliseconds();
        var deleted = 0;
        foreach (var database in _databases.All)
        {
            var readers = _consumers.SelectMany(c => c.Subscriptions).Where(s => s.Source == database).ToList();
            var upTo = readers.Count == 0 ? long.MaxValue : readers.Min(s => s.Position);
            if (_options.Transport == Transport.RabbitMq)
            {
                upTo = Math.Min(upTo, (await RelayStore.StateAsync(database, ct)).Position);
                await ForgetInboxAsync(database, cutoff, ct);
            }

            // Look before taking the write lock: most sweeps find nothing to delete.
            while (await AnyExpiredAsync(database, upTo, cutoff, ct))
            {
                await using var tx = await database.BeginAsync(ct);
                var rows = await tx.Command("""
                        DELETE FROM event_log WHERE seq IN (
                            SELECT seq FROM event_log WHERE seq <= @up_to AND occurred_at < @cutoff ORDER BY seq LIMIT 1000)
                        """)
                    .With("@up_to", upTo).With("@cutoff", cutoff).ExecuteNonQueryAsync(ct);
                await tx.CommitAsync(ct);
                deleted += rows;
            }
        }

        return deleted;
    }

    private static async Task ForgetInboxAsync(ServiceDatabase database, long cutoff, CancellationToken ct)
    {
        int rows;
        do
        {
            await using var tx = await database.BeginAsync(ct);
            rows = await tx.Command("""
                    DELETE FROM inbox WHERE occurred_at < @cutoff AND event_id IN (
                        SELECT event_id FROM inbox WHERE occurred_at < @cutoff LIMIT 1000)
                    """)
                .With("@cutoff", cutoff).ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
        }
        while (rows > 0);
    }

    private static async Task<bool> AnyExpiredAsync(ServiceDatabase database, long upTo, long cutoff, CancellationToken ct)
    {
        await using var connection = await database.OpenReadAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT EXISTS (SELECT 1 FROM event_log WHERE seq <= @up_to AND occurred_at < @cutoff)";
        command.With("@up_to", upTo).With("@cutoff", cutoff);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Messaging started: {Databases} databases, {Subscriptions} subscriptions, data in {DataDirectory}")]
    private partial void LogStarted(int databases, int subscriptions, string dataDirectory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo fault: consumer {Consumer} fails on every {Type} (setting Messaging:Faults:{Consumer}); its events of that type go to the dead letters")]
    private partial void LogFault(string consumer, string type);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention deleted {Deleted} applied events past the retention period")]
    private partial void LogRetention(int deleted);


    /// <summary>
    /// Runs <see cref="SweepAsync"/> at start-up and every <see cref="MessagingOptions.RetentionInterval"/>
    /// on the one background loop (failures are logged and retried after a backoff).
    /// </summary>
    private sealed class RetentionSweep(MessagingRuntime runtime, WorkLoopServices services) : WorkLoop("The retention sweep", services)
    {
        protected override TimeSpan Poll => runtime._options.RetentionInterval;

        protected override async Task<bool> DoDueWorkAsync(CancellationToken ct)
        {
            var deleted = await runtime.SweepAsync(ct);
            if (deleted > 0)
            {
                runtime.LogRetention(deleted);
            }

            return false;
        }
    }
}
