using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Hosting;
using BoxOffice.Messaging.Storage;
using BoxOffice.Messaging.Testbed;
using BoxOffice.Testing;

namespace BoxOffice.Messaging.Tests.Support;

/// <summary>Common set-ups: the test shop's log and recorders consuming it.</summary>
internal static class Scenario
{
    public static MessagingBuilder WithShop(this MessagingBuilder messaging) => messaging.AddDatabase("shop", Testbed.Shop.Schema);

    public static MessagingBuilder WithRecorderDatabase(this MessagingBuilder messaging, string name) =>
        messaging.AddDatabase(name, Recorder.Schema);

    /// <summary>A consumer recording every Counted and Noted event into its own database.</summary>
    public static MessagingBuilder WithFullRecorder(this MessagingBuilder messaging, string name, string? database = null) =>
        messaging.AddConsumer(name, database ?? name, c => c.Handle<Counted, RecordCounted>().Handle<Noted, RecordNoted>().OnReset<ForgetRecorded>());

    public static Task<long> AppliedAsync(this TestHost host, string database, string consumer, string type = "shop.counted.v1") =>
        Sql.LongAsync(host.Database(database), "SELECT COUNT(*) FROM applied WHERE consumer = @c AND type = @t", ("@c", consumer), ("@t", type));

    public static Task<long> TotalAsync(this TestHost host, string database, string consumer) =>
        Sql.LongAsync(host.Database(database), "SELECT COALESCE(MAX(count), 0) FROM totals WHERE consumer = @c", ("@c", consumer));

    /// <summary>Waits until every subscription has reached its log's head.</summary>
    public static Task CaughtUpAsync(this TestHost host, TimeSpan? timeout = null) =>
        Eventually.HoldsAsync(async () => (await host.Admin.SubscriptionsAsync()).All(s => s.Lag == 0), "every consumer has caught up", timeout);

    public static async Task<SubscriptionState> StateAsync(this TestHost host, string consumer) =>
        (await host.Admin.SubscriptionsAsync()).Single(s => s.Consumer == consumer).State;

    public static ServiceDatabase Shop(this TestHost host) => host.Database("shop");
}
