using BoxOffice.Contracts;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Operations;
using BoxOffice.Messaging.Storage;
using BoxOffice.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace BoxOffice.Messaging.Hosting;

/// <summary>Declares the service databases and consumers a process hosts.</summary>
public sealed class MessagingBuilder
{
    internal MessagingBuilder(IServiceCollection services) => Services = services;

    /// <summary>The application's services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Hosts a service database named <paramref name="name"/> (file <c>{name}.db</c> in the data
    /// directory) with the messaging tables and the given module migrations. It is resolvable as a
    /// keyed <see cref="ServiceDatabase"/> under its name.
    /// </summary>
    public MessagingBuilder AddDatabase(string name, params MigrationSet[] migrations)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (Services.Any(d => d.ServiceType == typeof(DatabaseDefinition) && ((DatabaseDefinition)d.ImplementationInstance!).Name == name))
        {
            throw new InvalidOperationException($"Database '{name}' is already registered.");
        }

        Services.AddSingleton(new DatabaseDefinition(name, [MessagingSchema.Migrations, .. migrations]));
        Services.AddKeyedSingleton(name, (sp, _) => sp.GetRequiredService<DatabaseRegistry>().Get(name));
        return this;
    }

    /// <summary>Adds a consumer whose state, cursors and dead letters live in <paramref name="database"/>.</summary>
    public MessagingBuilder AddConsumer(string name, string database, Action<ConsumerBuilder> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = new ConsumerBuilder(name, database, Services);
        configure(builder);
        Services.AddSingleton(builder.Build());
        return this;
    }

    /// <summary>
    /// Upcasts stored <typeparamref name="TFrom"/> events to <typeparamref name="TTo"/> whenever a
    /// consumer reads them (live, replay, redrive) with <typeparamref name="TUpcaster"/> (a
    /// singleton). Consumers handle <typeparamref name="TTo"/> (or a later version) and receive
    /// the old events upcast. Registered by the module that owns the events.
    /// </summary>
    public MessagingBuilder AddUpcaster<TFrom, TTo, TUpcaster>()
        where TFrom : IEvent<TFrom>
        where TTo : IEvent<TTo>
        where TUpcaster : class, IUpcaster<TFrom, TTo>
    {
        Services.TryAddSingleton<TUpcaster>();
        return Add(UpcasterDefinition.Typed<TFrom, TTo>(sp => sp.GetRequiredService<TUpcaster>()));
    }

    /// <summary>Upcasts stored payloads of wire name <paramref name="from"/> to <paramref name="to"/> on read, JSON to JSON.</summary>
    public MessagingBuilder AddUpcaster(string from, string to, Func<string, string> upcast)
    {
        ArgumentNullException.ThrowIfNull(upcast);
        return Add(new UpcasterDefinition(from, to, _ => upcast));
    }

    private MessagingBuilder Add(UpcasterDefinition definition)
    {
        ConsumerBuilder.CheckWireName(definition.From);
        ConsumerBuilder.CheckWireName(definition.To);
        if (definition.From == definition.To || EventEnvelope.SourceOf(definition.From) != EventEnvelope.SourceOf(definition.To))
        {
            throw new InvalidOperationException($"'{definition.From}' can only be upcast to another version in the same service's log, not to '{definition.To}'.");
        }

        Services.AddSingleton(definition);
        return this;
    }
}

/// <summary>Registers the messaging core.</summary>
public static class MessagingServiceCollectionExtensions
{
    /// <summary>
    /// Adds the messaging core (once) with its options from <c>Messaging</c> and the data directory
    /// from <see cref="DataFolder.Resolve"/> (<c>BoxOffice:DataDirectory</c>), and returns a builder to declare databases and consumers.
    /// </summary>
    public static MessagingBuilder AddMessaging(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!services.Any(d => d.ServiceType == typeof(MessagingRuntime)))
        {
            services.AddOptions<MessagingOptions>()
                .Bind(configuration.GetSection(MessagingOptions.Section))
                // The one data folder of the deployment (BoxOffice:DataDirectory, under the content root when relative).
                .Configure<IHostEnvironment>((o, env) => o.DataDirectory = DataFolder.Resolve(configuration, env))
                .Configure(o =>
                {
                    o.Storage = configuration.GetValue("BoxOffice:Storage", o.Storage);
                    o.PostgresConnectionString = configuration.GetConnectionString("Postgres") ?? o.PostgresConnectionString;
                    o.DatabasePrefix = configuration["BoxOffice:DatabasePrefix"] ?? o.DatabasePrefix;
                    o.RabbitMqConnectionString = configuration.GetConnectionString("RabbitMq") ?? o.RabbitMqConnectionString;
                })
                .ValidateDataAnnotations()
                .Validate(
                    o => o.Storage != StorageProvider.Postgres || !string.IsNullOrWhiteSpace(o.PostgresConnectionString),
                    "BoxOffice:Storage is Postgres but ConnectionStrings:Postgres is not set: name the server (env ConnectionStrings__Postgres, "
                    + "for example \"Host=127.0.0.1;Username=boxoffice;Password=...\"); each service gets its own database on it.")
                .Validate(
                    o => o.Transport != Transport.RabbitMq || !string.IsNullOrWhiteSpace(o.RabbitMqConnectionString),
                    "Messaging:Transport is RabbitMq but ConnectionStrings:RabbitMq is not set: name the broker as an AMQP URI "
                    + "(env ConnectionStrings__RabbitMq, for example \"amqp://boxoffice:<password>@127.0.0.1:5672/\").")
                .Validate(
                    o => o.Transport != Transport.RabbitMq || string.IsNullOrWhiteSpace(o.RabbitMqConnectionString) || Broker.BrokerConnections.UserOf(o.RabbitMqConnectionString) is not null,
                    "ConnectionStrings:RabbitMq is not an AMQP URI with a user: write it as amqp://user:password@host:5672/vhost.")
                .Validate(
                    o => o.Transport != Transport.RabbitMq || Broker.BrokerConnections.UserOf(o.RabbitMqConnectionString) is not "guest",
                    "ConnectionStrings:RabbitMq logs in as RabbitMQ's default account 'guest', which the distributed mode refuses: "
                    + "create a user of your own with a password (rabbitmqctl add_user) and name it in the URI.")
                // A demo fault fails real events on purpose: never where real buyers are.
                .Validate<IHostEnvironment>(
                    (o, env) => !env.IsProduction() || !o.ActiveFaults.Any(),
                    "Messaging:Faults is set, but demo faults are refused in Production: remove every Messaging:Faults:<consumer> setting "
                    + "(env Messaging__Faults__<consumer>), or run in another environment (ASPNETCORE_ENVIRONMENT=Development).")
                .Validate<IHostEnvironment>(
                    (o, env) => !env.IsProduction() || o.PublishCopies == 1,
                    "Messaging:PublishCopies is above 1, a fault for the chaos suite that refused in Production: remove it "
                    + "(env Messaging__PublishCopies), or run in another environment (ASPNETCORE_ENVIRONMENT=Development).")
                .ValidateOnStart();
            services.TryAddSingleton(TimeProvider.System);
            services.TryAddSingleton<StorageSpace>();
            services.TryAddSingleton<WorkLoopServices>();
            services.AddSingleton(sp => new DatabaseRegistry(
                sp.GetServices<DatabaseDefinition>(), sp.GetRequiredService<IOptions<MessagingOptions>>().Value, sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>(), sp.GetService<MessagingMetrics>(), sp.GetService<StorageSpace>()));
            services.AddSingleton(sp => new MessagingRuntime(
                sp.GetRequiredService<DatabaseRegistry>(),
                sp.GetServices<ConsumerDefinition>(),
                sp.GetServices<UpcasterDefinition>(),
                sp.GetRequiredService<IOptions<MessagingOptions>>(),
                sp.GetRequiredService<TimeProvider>(),
                sp,
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>()));
            services.AddHostedService(sp => sp.GetRequiredService<MessagingRuntime>());
            services.AddSingleton<MessagingAdmin>();
            // After the runtime: its first round finds every consumer started.
            services.AddMetrics();
            services.AddSingleton<MessagingMetrics>();
            services.AddHostedService<MessagingMetricsRefresh>();
        }

        return new MessagingBuilder(services);
    }
}

internal sealed record DatabaseDefinition(string Name, IReadOnlyList<MigrationSet> Migrations);

internal sealed class DatabaseRegistry(
    IEnumerable<DatabaseDefinition> definitions, MessagingOptions options, TimeProvider time, Microsoft.Extensions.Logging.ILoggerFactory loggers,
    MessagingMetrics? metrics = null, StorageSpace? space = null)
{
    private readonly Dictionary<string, ServiceDatabase> _databases = definitions.ToDictionary(
        d => d.Name,
        d => new ServiceDatabase(d.Name, d.Migrations, options, time, loggers.CreateLogger(typeof(ServiceDatabase).FullName!))
        {
            Metrics = metrics,
            Space = space ?? StorageSpace.Unwatched(),
        },
        StringComparer.Ordinal);

    public IEnumerable<ServiceDatabase> All => _databases.Values;

    public ServiceDatabase Get(string name) =>
        _databases.TryGetValue(name, out var database) ? database : throw new InvalidOperationException($"No database '{name}' is registered.");

    public bool TryGet(string name, out ServiceDatabase database) => _databases.TryGetValue(name, out database!);
}
