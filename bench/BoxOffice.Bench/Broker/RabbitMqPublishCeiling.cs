using System.Diagnostics;
using System.Globalization;
using RabbitMQ.Client;

namespace BoxOffice.Bench.Broker;

/// <summary>
/// RabbitMQ's own ceiling on this machine, the figure the event pipeline is stated against: one
/// connection publishes persistent 1 KB messages to a durable quorum queue of its own (declared
/// and deleted here) with publisher confirms, keeping <c>--window</c> unconfirmed messages in
/// flight, for <c>--seconds</c>. Prints confirmed messages per second.
/// </summary>
internal static class RabbitMqPublishCeiling
{
    /// <summary>The rate of the last run, for a verb that states its figure against it.</summary>
    public static double LastRate { get; private set; }

    public static async Task<int> RunAsync(string[] args)
    {
        var uri = Argument(args, "--rabbitmq") ?? Environment.GetEnvironmentVariable("BENCH_RABBITMQ");
        if (string.IsNullOrWhiteSpace(uri))
        {
            Console.Error.WriteLine("rabbit-publish needs --rabbitmq amqp://user:password@host:5672/vhost (or BENCH_RABBITMQ).");
            return 2;
        }

        var window = int.Parse(Argument(args, "--window") ?? "500", CultureInfo.InvariantCulture);
        var seconds = double.Parse(Argument(args, "--seconds") ?? "10", CultureInfo.InvariantCulture);
        var size = int.Parse(Argument(args, "--size") ?? "1024", CultureInfo.InvariantCulture);
        var queue = "bench.ceiling." + Guid.NewGuid().ToString("N")[..8];

        var factory = new ConnectionFactory { Uri = new Uri(uri), ClientProvidedName = "boxoffice-bench-ceiling" };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(
            publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true, outstandingPublisherConfirmationsRateLimiter: null));
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
        try
        {
            var body = new byte[size];
            Random.Shared.NextBytes(body);
            var properties = new BasicProperties { Persistent = true, ContentType = "application/json" };
            var inFlight = new List<Task>(window);
            long confirmed = 0;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                for (var i = 0; i < window; i++)
                {
                    inFlight.Add(channel.BasicPublishAsync(string.Empty, queue, mandatory: true, properties, body).AsTask());
                }

                await Task.WhenAll(inFlight);
                confirmed += inFlight.Count;
                inFlight.Clear();
            }

            var rate = confirmed / clock.Elapsed.TotalSeconds;
            LastRate = rate;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"rabbit-publish: {confirmed:N0} persistent {size} B messages confirmed in {clock.Elapsed.TotalSeconds:N1} s, window {window}: {rate:N0} msg/s"));
            return 0;
        }
        finally
        {
            await channel.QueueDeleteAsync(queue);
        }
    }

    private static string? Argument(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
