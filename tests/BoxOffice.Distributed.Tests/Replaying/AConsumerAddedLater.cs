using BoxOffice.Distributed.Tests.Support;
using BoxOffice.Testing;
using RabbitMQ.Client;

namespace BoxOffice.Distributed.Tests.Replaying;

/// <summary>Loyalty starts after purchases were made: it is built from the producers' logs, replayed to its queue alone.</summary>
public sealed class AConsumerAddedLater
{
    [Fact]
    public async Task Catches_up_from_replay_and_no_other_consumer_sees_the_events_again()
    {
        await using var deployment = await Deployment.StartAsync(new DeploymentShape { Tickets = 1, Payments = 1, Loyalty = false });
        var (_, type) = await deployment.CreateEventAsync(capacity: 20);
        var buyers = await deployment.BuyersAsync(3);
        var ids = new List<Guid>();
        foreach (var buyer in buyers)
        {
            var id = await buyer.ReserveAcceptedAsync(type, 2);
            await buyer.UntilAsync(id, r => r.Status() == "Acquired", "the reservation is acquired", deployment: deployment);
            ids.Add(id);
        }

        // Everything published to the events exchange from now on: a replay must not go there.
        var factory = new ConnectionFactory { Uri = new Uri(deployment.RabbitMq), ClientProvidedName = "distributed-tests-tap" };
        await using var connection = await factory.CreateConnectionAsync(TestContext.Current.CancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: TestContext.Current.CancellationToken);
        var tap = (await channel.QueueDeclareAsync($"{deployment.Prefix}.tap.{Guid.NewGuid():N}", durable: false, exclusive: true, autoDelete: true,
            cancellationToken: TestContext.Current.CancellationToken)).QueueName;
        await channel.QueueBindAsync(tap, $"{deployment.Prefix}.events", "#", cancellationToken: TestContext.Current.CancellationToken);

        await deployment.AddServiceAsync("loyalty");

        foreach (var buyer in buyers)
        {
            // Until the gateway's probe finds the new instance ready it answers 503 problem details, with no points: not yet.
            var points = await Eventually.HoldsAsync(
                async () => (await Deployment.Json(await buyer.GetAsync(new Uri("/api/me/loyalty", UriKind.Relative), TestContext.Current.CancellationToken)))["points"]?.GetValue<long>() ?? 0,
                p => p > 0, "the new consumer credits a purchase made before it existed", TimeSpan.FromSeconds(90));
            points.ShouldBeGreaterThan(0);
        }

        var republished = await channel.MessageCountAsync(tap, TestContext.Current.CancellationToken);
        republished.ShouldBe(0u, "the replay went to loyalty's queue only, not to the exchange every consumer reads");
        foreach (var id in ids)
        {
            (await deployment.CountAsync("notifications", $"SELECT COUNT(*) FROM feed WHERE reservation_id = '{id}'")).ShouldBe(1);
            (await deployment.LedgerAsync(id)).Count.ShouldBe(1);
        }

        foreach (var buyer in buyers)
        {
            buyer.Dispose();
        }
    }
}
