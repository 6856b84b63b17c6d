using System.Text.Json;
using System.Text.RegularExpressions;
using BoxOffice.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BoxOffice.Messaging.Consuming;

/// <summary>Where a consumer added after events were published starts.</summary>
public enum StartPosition
{
    /// <summary>At the first event still in the log: it is built from history. The default.</summary>
    Beginning,

    /// <summary>At the log's head when it first starts: it sees only new events.</summary>
    End,
}

/// <summary>Declares which events a consumer handles and with which handlers.</summary>
public sealed partial class ConsumerBuilder
{
    private readonly IServiceCollection _services;
    private readonly Dictionary<string, HandlerBinding> _handlers = new(StringComparer.Ordinal);
    private Type? _reset;
    private StartPosition _start = StartPosition.Beginning;

    internal ConsumerBuilder(string name, string database, IServiceCollection services)
    {
        Name = name;
        Database = database;
        _services = services;
    }

    /// <summary>The consumer's name: its cursors and dead letters are kept under it.</summary>
    public string Name { get; }

    /// <summary>The service database holding the consumer's state, cursors and dead letters.</summary>
    public string Database { get; }

    /// <summary>Handles events of type <typeparamref name="TEvent"/> with <typeparamref name="THandler"/> (a singleton).</summary>
    public ConsumerBuilder Handle<TEvent, THandler>()
        where TEvent : IEvent<TEvent>
        where THandler : class, IEventHandler<TEvent>
    {
        var wireName = TEvent.WireName;
        CheckWireName(wireName);

        if (_handlers.ContainsKey(wireName))
        {
            throw new InvalidOperationException($"Consumer '{Name}' already handles '{wireName}'.");
        }

        _services.TryAddSingleton<THandler>();
        _handlers.Add(wireName, new HandlerBinding(
            wireName,
            EventEnvelope.SourceOf(wireName),
            static (services, envelope, context, ct) =>
            {
                var @event = JsonSerializer.Deserialize(envelope.Payload, TEvent.JsonTypeInfo)
                    ?? throw new JsonException($"Event {envelope.EventId} ({envelope.Type}) has a null payload.");
                return services.GetRequiredService<THandler>().HandleAsync(@event, context, ct);
            }));
        return this;
    }

    /// <summary>Clears the consumer's derived state when it is reset for a replay.</summary>
    public ConsumerBuilder OnReset<TReset>() where TReset : class, IConsumerReset
    {
        _services.TryAddSingleton<TReset>();
        _reset = typeof(TReset);
        return this;
    }

    /// <summary>Where the consumer starts the first time it runs; <see cref="StartPosition.Beginning"/> by default.</summary>
    public ConsumerBuilder StartAt(StartPosition start)
    {
        _start = start;
        return this;
    }

    internal ConsumerDefinition Build() =>
        _handlers.Count == 0
            ? throw new InvalidOperationException($"Consumer '{Name}' handles no events.")
            : new ConsumerDefinition(Name, Database, _handlers, _reset, _start);

    internal static void CheckWireName(string wireName)
    {
        if (wireName is null || !WireNamePattern().IsMatch(wireName))
        {
            throw new InvalidOperationException($"'{wireName}' is not a wire name of the form service.fact.v1.");
        }
    }

    [GeneratedRegex(@"^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+\.v[0-9]+$")]
    private static partial Regex WireNamePattern();
}

internal delegate ValueTask HandlerInvoker(IServiceProvider services, EventEnvelope envelope, ConsumeContext context, CancellationToken ct);

internal sealed record HandlerBinding(string WireName, string Source, HandlerInvoker Invoke);

internal sealed record ConsumerDefinition(
    string Name,
    string Database,
    IReadOnlyDictionary<string, HandlerBinding> Handlers,
    Type? Reset,
    StartPosition Start)
{
    public IEnumerable<string> Sources => Handlers.Values.Select(h => h.Source).Distinct(StringComparer.Ordinal);
}
