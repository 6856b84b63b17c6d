using System.Diagnostics;
using System.Globalization;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Hosting;
using BoxOffice.Messaging.Operations;
using BoxOffice.Messaging.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BoxOffice.Bench.Messaging;

/// <summary>
/// One producer appends <c>TicketsHeld</c> events to the tickets log in transactions of
/// <c>--batch</c> events; two consumers, each in its own SQLite database, apply every event (one
/// insert and one upsert each) in batches with their cursor. The figure is events per second from
/// the first append until both consumers have applied the last event.
/// </summary>
internal static class MessagingThroughput
{
    /// <summary>The consumers' projection tables; the broker pipeline bench uses the same.</summary>
    internal static readonly MigrationSet ProjectionSchema = new("bench", [
        new Migration(1, "held projection", """
            CREATE TABLE held (reservation_id TEXT NOT NULL, amount BIGINT NOT NULL);
            CREATE TABLE totals (consumer TEXT PRIMARY KEY, count BIGINT NOT NULL, amount BIGINT NOT NULL);
            """),
    ]);

    public static async Task<int> RunAsync(string[] args)
    {
        var events = Option(args, "--events", 200_000);
        var batch = Option(args, "--batch", 500);
        var runs = Option(args, "--runs", 3);
        var durability = Enum.Parse<Durability>(OptionText(args, "--durability") ?? nameof(Durability.Full), ignoreCase: true);
        Console.WriteLine($"messaging: 1 producer -> 2 consumers, {events:N0} events, {batch} per producer transaction, synchronous={durability}, {Environment.ProcessorCount} cores");

        var rates = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            var result = await RunOnceAsync(events, batch, durability);
            rates.Add(result.EndToEnd);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run {run}: end to end {result.EndToEnd:N0} events/s ({result.Elapsed.TotalSeconds:N2} s); producer alone {result.Produce:N0} events/s"));
        }

        rates.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median end to end: {rates[rates.Count / 2]:N0} events/s"));
        return 0;
    }

    private static async Task<(double EndToEnd, double Produce, TimeSpan Elapsed)> RunOnceAsync(int events, int batch, Durability durability)
    {
        var directory = Path.Combine(Path.GetTempPath(), "boxoffice-bench", Guid.NewGuid().ToString("N"));
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Configuration["BoxOffice:DataDirectory"] = directory;
            builder.Configuration["Messaging:Durability"] = durability.ToString();
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
            builder.Services.AddMessaging(builder.Configuration)
                .AddDatabase("tickets")
                .AddDatabase("first", ProjectionSchema)
                .AddDatabase("second", ProjectionSchema)
                .AddConsumer("first", "first", c => c.Handle<TicketsHeld, ProjectHeld>())
                .AddConsumer("second", "second", c => c.Handle<TicketsHeld, ProjectHeld>());
            using var host = builder.Build();
            await host.StartAsync();
            var tickets = host.Services.GetRequiredKeyedService<ServiceDatabase>("tickets");
            var admin = host.Services.GetRequiredService<MessagingAdmin>();

            var clock = Stopwatch.StartNew();
            var eventId = Guid.CreateVersion7();
            for (var produced = 0; produced < events; produced += batch)
            {
                await using var tx = await tickets.BeginAsync();
                for (var i = 0; i < batch && produced + i < events; i++)
                {
                    var reservation = Guid.CreateVersion7();
                    tx.Publish(new TicketsHeld(reservation, eventId, eventId, eventId, 2, 9_000, "EUR", "tok_visa", DateTimeOffset.UtcNow.AddMinutes(10)), reservation);
                }

                await tx.CommitAsync();
            }

            var produceTime = clock.Elapsed;
            while ((await admin.SubscriptionsAsync()).Any(s => s.Position < events))
            {
                await Task.Delay(1);
            }

            var elapsed = clock.Elapsed;
            foreach (var consumer in new[] { "first", "second" })
            {
                await using var connection = await host.Services.GetRequiredKeyedService<ServiceDatabase>(consumer).OpenReadAsync();
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT count FROM totals";
                var applied = Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
                if (applied != events)
                {
                    throw new InvalidOperationException($"{consumer} applied {applied} events, expected {events}.");
                }
            }

            await host.StopAsync();
            return (events / elapsed.TotalSeconds, events / produceTime.TotalSeconds, elapsed);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static int Option(string[] args, string name, int fallback) =>
        OptionText(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string? OptionText(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}

/// <summary>A typical projection: one row per event and a running total, in the consumer's batch transaction.</summary>
internal sealed class ProjectHeld : IEventHandler<TicketsHeld>
{
    public async ValueTask HandleAsync(TicketsHeld @event, ConsumeContext context, CancellationToken cancellationToken)
    {
        // A projection: writes only, so a consumer's batch sends them together (one round trip on PostgreSQL).
        var batch = context.Transaction.Batch();
        batch.Add("INSERT INTO held (reservation_id, amount) VALUES (@id, @amount)")
            .With("@id", @event.ReservationId.ToString()).With("@amount", @event.Amount);
        batch.Add("""
                INSERT INTO totals (consumer, count, amount) VALUES (@consumer, 1, @amount)
                ON CONFLICT (consumer) DO UPDATE SET count = totals.count + 1, amount = totals.amount + excluded.amount
                """)
            .With("@consumer", context.Consumer).With("@amount", @event.Amount);
        await batch.WriteAsync(cancellationToken);
    }
}
