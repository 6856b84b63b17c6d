using BoxOffice.Contracts;
using BoxOffice.Messaging.Broker;
using BoxOffice.Messaging.EventLog;
using BoxOffice.Messaging.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Messaging.Consuming;

/// <summary>Possible results of redriving a dead letter.</summary>
public enum RedriveStatus
{
    /// <summary>The handler applied it; the dead letter is marked redriven.</summary>
    Applied,

    /// <summary>The handler failed again; the dead letter stays, with the new error.</summary>
    Failed,

    /// <summary>It was already applied by an earlier redrive; nothing was done.</summary>
    AlreadyRedriven,

    /// <summary>No dead letter with that id belongs to the consumer.</summary>
    NotFound,
}

/// <summary>The outcome of a redrive.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Error">The error when it failed again.</param>
public sealed record RedriveResult(RedriveStatus Status, string? Error = null);

/// <summary>
/// One consumer: its handlers, its database and one subscription per source log. Applying a batch,
/// resetting and redriving all take the consumer's gate, so they never interleave.
/// </summary>
/// <param name="definition">The consumer's handlers and sources.</param>
/// <param name="database">The consumer's own database (state, cursors, dead letters).</param>
/// <param name="services">Where handlers are resolved.</param>
/// <param name="upcasters">The upcasting chains for old versions.</param>
/// <param name="faultType">A demo fault (<c>Messaging:Faults</c>): the wire name this consumer fails on, else null.</param>
internal sealed class ConsumerGroup(
    ConsumerDefinition definition, ServiceDatabase database, IServiceProvider services, Upcasters upcasters, string? faultType = null)
{
    private readonly List<SubscriptionRunner> _subscriptions = [];

    public ConsumerDefinition Definition => definition;

    public string Name => definition.Name;

    public ServiceDatabase Database => database;

    public Upcasters Upcasters => upcasters;

    public SemaphoreSlim Gate { get; } = new(1, 1);

    public IReadOnlyList<SubscriptionRunner> Subscriptions => _subscriptions;

    /// <summary>The consumer's queue on the broker when the transport is RabbitMQ (then it has no subscriptions).</summary>
    public BrokerConsumer? Broker { get; set; }

    public void Add(SubscriptionRunner subscription) => _subscriptions.Add(subscription);

    /// <summary>Applies one event, already upcast, with its handler.</summary>
    public ValueTask DispatchAsync(StoredEvent stored, ServiceTransaction tx, CancellationToken ct)
    {
        if (stored.UpcastFailure is { } failure)
        {
            throw new InvalidOperationException($"Event {stored.Envelope.EventId} ({stored.Envelope.Type}) could not be upcast: {failure.Message}", failure);
        }

        if (!definition.Handlers.TryGetValue(stored.Envelope.Type, out var binding))
        {
            throw new InvalidOperationException($"Consumer '{Name}' has no handler for '{stored.Envelope.Type}'.");
        }

        // The one place every handler call passes (batches, retries, redrive): a demo fault fails here
        // as a handler would, so the normal retries, dead letter and redrive follow unchanged.
        if (faultType is not null && string.Equals(stored.Envelope.Type, faultType, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"Demo fault: consumer '{Name}' fails on every '{faultType}' because the setting Messaging:Faults:{Name} is set. "
                + "Remove it and restart, then redrive this dead letter.");
        }

        return binding.Invoke(services, stored.Envelope, new ConsumeContext(Name, tx, stored.Envelope, stored.Sequence), ct);
    }

    /// <summary>Runs the consumer's reset hook (<see cref="IConsumerReset"/>), if it has one, in <paramref name="tx"/>.</summary>
    public async Task ResetStateAsync(ReplayFrom from, ServiceTransaction tx, CancellationToken ct)
    {
        if (definition.Reset is { } resetType)
        {
            var reset = (IConsumerReset)services.GetRequiredService(resetType);
            await reset.ResetAsync(Name, from, tx, ct);
        }
    }

    public async Task ResetAsync(ReplayFrom from, CancellationToken ct)
    {
        if (from is ReplayFrom.SequencePoint point && !definition.Sources.Contains(point.Source, StringComparer.Ordinal))
        {
            throw new ArgumentException($"Consumer '{Name}' reads no events from '{point.Source}'.", nameof(from));
        }

        if (Broker is { } broker)
        {
            await broker.ResetAsync(from, ct);
            return;
        }

        await Gate.WaitAsync(ct);
        try
        {
            var targets = new long[_subscriptions.Count];
            for (var i = 0; i < _subscriptions.Count; i++)
            {
                var subscription = _subscriptions[i];
                targets[i] = from switch
                {
                    ReplayFrom.BeginningPoint => 0,
                    ReplayFrom.TimePoint t => await ConsumerStore.PositionBeforeAsync(subscription.Source, t.At, ct),
                    ReplayFrom.SequencePoint s when s.Source == subscription.Source.Name => s.Position - 1,
                    _ => subscription.Position,
                };
            }

            await using (var tx = await database.BeginAsync(ct))
            {
                await ResetStateAsync(from, tx, ct);
                for (var i = 0; i < _subscriptions.Count; i++)
                {
                    await ConsumerStore.SaveCursorAsync(tx, Name, _subscriptions[i].Source.Name, targets[i], ct);
                }

                await tx.CommitAsync(ct);
            }

            for (var i = 0; i < _subscriptions.Count; i++)
            {
                _subscriptions[i].MovedTo(targets[i]);
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    public async Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(bool includeRedriven, CancellationToken ct)
    {
        await using var connection = await database.OpenReadAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {ConsumerStore.DeadLetterColumns} FROM dead_letters WHERE consumer = @consumer"
            + (includeRedriven ? string.Empty : " AND redriven_at IS NULL") + " ORDER BY id";
        command.With("@consumer", Name);
        var letters = new List<DeadLetter>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            letters.Add(ConsumerStore.ReadDeadLetter(reader));
        }

        return letters;
    }

    public async Task<RedriveResult> RedriveAsync(long id, CancellationToken ct)
    {
        await Gate.WaitAsync(ct);
        try
        {
            DeadLetter? letter;
            Exception? error;
            await using (var tx = await database.BeginAsync(ct))
            {
                letter = null;
                await using (var reader = await tx.Command($"SELECT {ConsumerStore.DeadLetterColumns} FROM dead_letters WHERE id = @id AND consumer = @consumer")
                    .With("@id", id).With("@consumer", Name).ExecuteReaderAsync(ct))
                {
                    if (await reader.ReadAsync(ct))
                    {
                        letter = ConsumerStore.ReadDeadLetter(reader);
                    }
                }

                if (letter is null)
                {
                    return new RedriveResult(RedriveStatus.NotFound);
                }

                if (letter.RedrivenAt is not null)
                {
                    return new RedriveResult(RedriveStatus.AlreadyRedriven);
                }

                // A letter may hold an older version (written before an upcaster existed, or when upcasting failed).
                var stored = upcasters.Apply(new StoredEvent(letter.Sequence, new EventEnvelope(
                    letter.EventId, letter.Type, letter.OccurredAt, letter.CorrelationId, letter.CausationId, letter.Payload)));
                try
                {
                    await DispatchAsync(stored, tx, ct);
                    if (Broker is not null)
                    {
                        // A delivery of the same event that comes later (a replay, a duplicate) is then dropped.
                        await Inbox.AddAsync(tx, Name, stored, ct);
                    }

                    await tx.Command("UPDATE dead_letters SET redriven_at = @at, attempts = attempts + 1 WHERE id = @id")
                        .With("@at", database.Time.GetUtcNow().ToUnixTimeMilliseconds()).With("@id", id).ExecuteNonQueryAsync(ct);
                    await tx.CommitAsync(ct);
                    return new RedriveResult(RedriveStatus.Applied);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    error = ex;
                }
            }

            // The failed attempt rolled back; record it in a transaction of its own.
            await using (var tx = await database.BeginAsync(ct))
            {
                await tx.Command("UPDATE dead_letters SET attempts = attempts + 1, error = @error WHERE id = @id")
                    .With("@error", error.ToString()).With("@id", id).ExecuteNonQueryAsync(ct);
                await tx.CommitAsync(ct);
            }

            return new RedriveResult(RedriveStatus.Failed, error.Message);
        }
        finally
        {
            Gate.Release();
        }
    }
}
