using System.Text.Json;
using BoxOffice.Contracts;
using BoxOffice.Messaging.EventLog;

namespace BoxOffice.Messaging.Consuming;

/// <summary>
/// Turns a stored event of an older version into the next version, on read. The log is never
/// rewritten: every reader that hands events to handlers (live reading, replay, redrive) applies
/// the chain, so handlers only ever know the current version of an event.
/// </summary>
/// <typeparam name="TFrom">The older version, kept only for this.</typeparam>
/// <typeparam name="TTo">The next version.</typeparam>
public interface IUpcaster<in TFrom, out TTo>
    where TFrom : IEvent<TFrom>
    where TTo : IEvent<TTo>
{
    /// <summary>The next version of <paramref name="old"/>. It must be deterministic enough to run again on every replay.</summary>
    TTo Upcast(TFrom old);
}

/// <summary>One step of a chain: payloads of wire name <c>From</c> become payloads of wire name <c>To</c>.</summary>
internal sealed record UpcasterDefinition(string From, string To, Func<IServiceProvider, Func<string, string>> Create)
{
    public static UpcasterDefinition Typed<TFrom, TTo>(Func<IServiceProvider, IUpcaster<TFrom, TTo>> resolve)
        where TFrom : IEvent<TFrom>
        where TTo : IEvent<TTo> =>
        new(TFrom.WireName, TTo.WireName, services =>
        {
            var upcaster = resolve(services);
            return payload =>
            {
                var old = JsonSerializer.Deserialize(payload, TFrom.JsonTypeInfo) ?? throw new JsonException($"A {TFrom.WireName} payload is null.");
                return JsonSerializer.Serialize(upcaster.Upcast(old), TTo.JsonTypeInfo);
            };
        });
}

/// <summary>Every upcaster of the process, as chains from each old wire name to its latest version.</summary>
internal sealed class Upcasters
{
    private readonly Dictionary<string, (string To, Func<string, string> Upcast)> _steps = new(StringComparer.Ordinal);

    public Upcasters(IEnumerable<UpcasterDefinition> definitions, IServiceProvider services)
    {
        foreach (var definition in definitions)
        {
            if (_steps.ContainsKey(definition.From))
            {
                throw new InvalidOperationException($"'{definition.From}' has two upcasters; an old version upcasts to exactly one next version.");
            }

            _steps.Add(definition.From, (definition.To, definition.Create(services)));
        }

        foreach (var from in _steps.Keys)
        {
            _ = Latest(from);
        }
    }

    /// <summary>True when events of <paramref name="type"/> are upcast on read (so no handler can receive that type).</summary>
    public bool IsUpcast(string type) => _steps.ContainsKey(type);

    /// <summary>The version a stored event of <paramref name="type"/> reaches at the end of its chain.</summary>
    public string Latest(string type)
    {
        var current = type;
        for (var steps = 0; _steps.TryGetValue(current, out var step); steps++)
        {
            if (steps > _steps.Count)
            {
                throw new InvalidOperationException($"The upcasters from '{type}' form a cycle.");
            }

            current = step.To;
        }

        return current;
    }

    /// <summary>The stored types to read for handlers of <paramref name="handled"/>: those, and every older version upcast to one of them.</summary>
    public IReadOnlyList<string> StoredTypesFor(IEnumerable<string> handled)
    {
        var types = new HashSet<string>(handled, StringComparer.Ordinal);
        types.UnionWith(_steps.Keys.Where(from => types.Contains(Latest(from))).ToList());
        return [.. types.Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// The event at the end of its chain (the same instance when it is current). An upcaster that
    /// throws does not stop the reader: the event keeps its stored form with the error, and fails
    /// in the handler's place, so it is retried and dead-lettered like any failing event.
    /// </summary>
    public StoredEvent Apply(StoredEvent stored)
    {
        if (!_steps.ContainsKey(stored.Envelope.Type))
        {
            return stored;
        }

        try
        {
            var envelope = stored.Envelope;
            while (_steps.TryGetValue(envelope.Type, out var step))
            {
                envelope = envelope with { Type = step.To, Payload = step.Upcast(envelope.Payload) };
            }

            return stored with { Envelope = envelope };
        }
        catch (Exception ex)
        {
            return stored with { UpcastFailure = ex };
        }
    }
}
