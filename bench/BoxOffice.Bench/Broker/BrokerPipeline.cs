using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using BoxOffice.Bench.Messaging;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Hosting;
using BoxOffice.Messaging.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using BoxOffice.Bench.Accept;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace BoxOffice.Bench.Broker;

/// <summary>
/// The distributed event pipeline against RabbitMQ's own ceiling, in one run:
/// <list type="number">
/// <item>the ceiling: confirm-pipelined persistent publishes to a quorum queue (<see cref="RabbitMqPublishCeiling"/>);</item>
/// <item>throughput: a producer's PostgreSQL log → its relay (pipelined confirms) → the events exchange →
/// two consumers' quorum queues → each applies batches with its inbox in its own PostgreSQL database;
/// events per second from the first commit until both consumers applied the last event;</item>
/// <item>commit-to-broker latency: the producer commits at a steady rate (5,000 events/s by default) and a
/// tap queue bound to the exchange times each event from its commit to its arrival (an upper bound of
/// commit-to-broker: it includes the broker's delivery to the tap).</item>
/// </list>
/// Everything runs under a prefix of its own (databases, exchanges, queues), removed at the end.
/// </summary>
internal static class BrokerPipeline
{
    public static async Task<int> RunAsync(string[] args)
    {
        var postgres = Argument(args, "--postgres") ?? Environment.GetEnvironmentVariable("BENCH_POSTGRES");
        var rabbit = Argument(args, "--rabbitmq") ?? Environment.GetEnvironmentVariable("BENCH_RABBITMQ");
        if (string.IsNullOrWhiteSpace(postgres) || string.IsNullOrWhiteSpace(rabbit))
        {
            Console.Error.WriteLine("broker-pipeline needs --postgres \"Host=…;Username=…;Password=…\" and --rabbitmq amqp://user:password@host:5672/vhost (or BENCH_POSTGRES, BENCH_RABBITMQ).");
            return 2;
        }

        var events = int.Parse(Argument(args, "--events") ?? "100000", CultureInfo.InvariantCulture);
        var batch = int.Parse(Argument(args, "--batch") ?? "500", CultureInfo.InvariantCulture);
        var rate = int.Parse(Argument(args, "--rate") ?? "5000", CultureInfo.InvariantCulture);
        var seconds = int.Parse(Argument(args, "--seconds") ?? "10", CultureInfo.InvariantCulture);
        Console.WriteLine($"broker-pipeline: {Environment.ProcessorCount} cores; PostgreSQL and RabbitMQ on this machine");

        var ceiling = await RabbitMqPublishCeiling.RunAsync(["--rabbitmq", rabbit, "--seconds", "10"]) == 0 ? RabbitMqPublishCeiling.LastRate : 0;

        var prefix = "bench_bp" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            using var host = Build(postgres, rabbit, prefix);
            await host.StartAsync();
            var tickets = host.Services.GetRequiredKeyedService<ServiceDatabase>("tickets");

            // Throughput: as fast as the producer commits.
            var clock = Stopwatch.StartNew();
            for (var produced = 0; produced < events; produced += batch)
            {
                await using var tx = await tickets.BeginAsync();
                for (var i = 0; i < batch && produced + i < events; i++)
                {
                    Publish(tx);
                }

                await tx.CommitAsync();
            }

            var produceTime = clock.Elapsed;
            await UntilAppliedAsync(host, events, TimeSpan.FromMinutes(5));
            var endToEnd = events / clock.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"pipeline: {events:N0} events, producer {events / produceTime.TotalSeconds:N0} events/s, end to end (both consumers applied) {endToEnd:N0} events/s in {clock.Elapsed.TotalSeconds:N1} s"));
            if (ceiling > 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pipeline / RabbitMQ publish ceiling, same run: {endToEnd / ceiling:P0}"));
            }

            // Latency at a steady rate, timed by a tap on the exchange.
            var latencies = await CommitToBrokerAsync(tickets, rabbit, prefix, rate, seconds);
            latencies.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"commit-to-broker at {rate:N0} events/s for {seconds} s ({latencies.Count:N0} events): p50 {Percentile(latencies, 0.50):N1} ms, p99 {Percentile(latencies, 0.99):N1} ms, max {latencies[^1]:N1} ms"));
            await UntilAppliedAsync(host, events + latencies.Count, TimeSpan.FromMinutes(5));
            await host.StopAsync();
            return 0;
        }
        finally
        {
            await CleanUpAsync(postgres, rabbit, prefix);
        }
    }

    private static IHost Build(string postgres, string rabbit, string prefix)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration["BoxOffice:DataDirectory"] = Path.Combine(Path.GetTempPath(), "boxoffice-bench", prefix);
        builder.Configuration["BoxOffice:Storage"] = "Postgres";
        builder.Configuration["ConnectionStrings:Postgres"] = postgres;
        builder.Configuration["BoxOffice:DatabasePrefix"] = prefix;
        builder.Configuration["Messaging:Transport"] = "RabbitMq";
        builder.Configuration["ConnectionStrings:RabbitMq"] = rabbit;
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddMessaging(builder.Configuration)
            .AddDatabase("tickets")
            .AddDatabase("first", MessagingThroughput.ProjectionSchema)
            .AddDatabase("second", MessagingThroughput.ProjectionSchema)
            .AddConsumer("first", "first", c => c.Handle<TicketsHeld, ProjectHeld>())
            .AddConsumer("second", "second", c => c.Handle<TicketsHeld, ProjectHeld>());
        return builder.Build();
    }

    private static Guid Publish(BoxOffice.Messaging.EventLog.ServiceTransaction tx)
    {
        var reservation = Guid.CreateVersion7();
        return tx.Publish(new TicketsHeld(reservation, reservation, reservation, reservation, 2, 9_000, "EUR", "sealed-token", DateTimeOffset.UtcNow.AddMinutes(10)), reservation);
    }

    private static async Task<List<double>> CommitToBrokerAsync(ServiceDatabase tickets, string rabbit, string prefix, int rate, int seconds)
    {
        var committed = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var latencies = new List<double>();
        var factory = new ConnectionFactory { Uri = new Uri(rabbit), ClientProvidedName = "boxoffice-bench-tap" };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var tap = (await channel.QueueDeclareAsync($"{prefix}.tap", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.QueueBindAsync(tap, $"{prefix}.events", "tickets.held.v2");
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            var now = Stopwatch.GetTimestamp();
            if (delivery.BasicProperties.MessageId is { } id && committed.TryRemove(id, out var at))
            {
                lock (latencies)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(at, now).TotalMilliseconds);
                }
            }

            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(tap, autoAck: true, consumer);

        // Commits every 10 ms, rate / 100 events each, on schedule (a late tick is not made up twice).
        var perTick = Math.Max(1, rate / 100);
        var sent = 0;
        var clock = Stopwatch.StartNew();
        for (var tick = 0; tick < seconds * 100; tick++)
        {
            var due = TimeSpan.FromMilliseconds(tick * 10);
            if (clock.Elapsed < due)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            var ids = new List<Guid>(perTick);
            await using (var tx = await tickets.BeginAsync())
            {
                for (var i = 0; i < perTick; i++)
                {
                    ids.Add(Publish(tx));
                }

                await tx.CommitAsync();
            }

            var at = Stopwatch.GetTimestamp();
            foreach (var id in ids)
            {
                committed[id.ToString()] = at;
            }

            sent += ids.Count;
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            lock (latencies)
            {
                if (latencies.Count >= sent)
                {
                    return [.. latencies];
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The tap saw {latencies.Count} of {sent} events.");
            }

            await Task.Delay(50);
        }
    }

    private static async Task UntilAppliedAsync(IHost host, long expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        foreach (var consumer in new[] { "first", "second" })
        {
            var database = host.Services.GetRequiredKeyedService<ServiceDatabase>(consumer);
            while (true)
            {
                await using (var connection = await database.OpenReadAsync())
                await using (var command = connection.CreateCommand())
                {
                    command.CommandText = "SELECT COALESCE((SELECT count FROM totals), 0)";
                    var applied = Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
                    if (applied == expected)
                    {
                        break;
                    }

                    if (applied > expected)
                    {
                        throw new InvalidOperationException($"{consumer} applied {applied} events, more than the {expected} published: a duplicate got through.");
                    }

                    if (DateTime.UtcNow > deadline)
                    {
                        throw new TimeoutException($"{consumer} applied {applied} of {expected} events.");
                    }
                }

                await Task.Delay(5);
            }
        }
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static async Task CleanUpAsync(string postgres, string rabbit, string prefix)
    {
        await PostgresGroupCommit.DropAsync(["--connection", postgres, "--prefix", prefix]);
        try
        {
            var factory = new ConnectionFactory { Uri = new Uri(rabbit) };
            await using var connection = await factory.CreateConnectionAsync();
            await using var channel = await connection.CreateChannelAsync();
            foreach (var queue in new[] { "first", "second", "first.dead-letters", "second.dead-letters" })
            {
                await channel.QueueDeleteAsync($"{prefix}.{queue}");
            }

            foreach (var exchange in new[] { "events", "dead-letters", "control", "unrouted" })
            {
                await channel.ExchangeDeleteAsync($"{prefix}.{exchange}");
            }
        }
        catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.OperationInterruptedException or RabbitMQ.Client.Exceptions.BrokerUnreachableException)
        {
            Console.Error.WriteLine($"Could not remove the broker objects of {prefix}: {ex.Message}");
        }
    }

    private static string? Argument(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
