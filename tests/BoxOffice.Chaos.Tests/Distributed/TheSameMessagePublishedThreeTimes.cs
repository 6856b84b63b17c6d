using BoxOffice.Distributed.Tests.Support;
using BoxOffice.Testing;
using RabbitMQ.Client;

namespace BoxOffice.Chaos.Tests.Distributed;

/// <summary>Every event of a purchase delivered three times over the broker: each consumer's inbox drops the copies.</summary>
public sealed class TheSameMessagePublishedThreeTimes(SharedDeployment shared)
{
    [Fact]
    public async Task Charges_tickets_mails_and_points_happen_once()
    {
        var deployment = await shared.GetAsync();
        var (_, type) = await deployment.CreateEventAsync(capacity: 10);
        using var buyer = await deployment.BuyerAsync();

        var factory = new ConnectionFactory { Uri = new Uri(deployment.RabbitMq), ClientProvidedName = "distributed-tests-duplicator" };
        await using var connection = await factory.CreateConnectionAsync(TestContext.Current.CancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: TestContext.Current.CancellationToken);
        var tap = (await channel.QueueDeclareAsync($"{deployment.Prefix}.tap.{Guid.NewGuid():N}", durable: false, exclusive: true, autoDelete: true,
            cancellationToken: TestContext.Current.CancellationToken)).QueueName;
        foreach (var wireName in new[] { "tickets.held.v2", "payments.succeeded.v1", "tickets.acquired.v1" })
        {
            await channel.QueueBindAsync(tap, $"{deployment.Prefix}.events", wireName, cancellationToken: TestContext.Current.CancellationToken);
        }

        var id = await buyer.ReserveAcceptedAsync(type, 2);
        var acquired = await buyer.UntilAsync(id, r => r.Status() == "Acquired", "the reservation is acquired", deployment: deployment);
        var points = await PointsAsync(buyer, p => p > 0);

        // The three events of this purchase as the relays published them, taken off the tap first (the
        // tap is bound to what is republished), then each published twice more.
        var seen = new List<(string RoutingKey, BasicProperties Properties, byte[] Body)>();
        while (await channel.BasicGetAsync(tap, autoAck: true, TestContext.Current.CancellationToken) is { } message)
        {
            seen.Add((message.RoutingKey, new BasicProperties(message.BasicProperties), message.Body.ToArray()));
        }

        await channel.QueueDeleteAsync(tap, cancellationToken: TestContext.Current.CancellationToken);
        var copies = 0;
        foreach (var message in seen)
        {
            for (var i = 0; i < 2; i++)
            {
                await channel.BasicPublishAsync($"{deployment.Prefix}.events", message.RoutingKey, mandatory: false,
                    message.Properties, message.Body, TestContext.Current.CancellationToken);
                copies++;
            }
        }

        copies.ShouldBe(6, "the tap saw the held, succeeded and acquired events of the purchase");
        // A later purchase through the same queues: once it is through, the copies before it were delivered.
        using var later = await deployment.BuyerAsync();
        var marker = await later.ReserveAcceptedAsync(type, 1);
        await later.UntilAsync(marker, r => r.Status() == "Acquired", "a later purchase is acquired", deployment: deployment);
        await PointsAsync(later, p => p > 0);

        (await deployment.LedgerAsync(id)).Count.ShouldBe(1, "charged once");
        (await deployment.CountAsync("payments", $"SELECT COUNT(*) FROM payments WHERE reservation_id = '{id}'")).ShouldBe(1);
        (await deployment.CountAsync("tickets", $"SELECT COUNT(*) FROM tickets WHERE reservation_id = '{id}'")).ShouldBe(2, "tickets issued once");
        (await buyer.ReservationAsync(id))["tickets"]!.AsArray().Count.ShouldBe(acquired["tickets"]!.AsArray().Count);
        (await deployment.CountAsync("notifications", $"SELECT COUNT(*) FROM feed WHERE reservation_id = '{id}'")).ShouldBe(1, "told once");
        (await PointsAsync(buyer, _ => true)).ShouldBe(points, "points credited once");
        await deployment.UntilInvariantsHoldAsync("after every event of a purchase was delivered three times");
    }

    private static Task<long> PointsAsync(HttpClient buyer, Func<long, bool> condition) =>
        Eventually.HoldsAsync(
            async () => (await Deployment.Json(await buyer.GetAsync(new Uri("/api/me/loyalty", UriKind.Relative), TestContext.Current.CancellationToken)))["points"]!.GetValue<long>(),
            condition, "loyalty's balance", TimeSpan.FromSeconds(60));
}
