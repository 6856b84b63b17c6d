using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using BoxOffice.Contracts;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Hosting;
using BoxOffice.Messaging.Testbed;
using BoxOffice.Messaging.Tests.Support;
using BoxOffice.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Messaging.Tests.Consuming;

/// <summary>v1 carried a secret in clear; v2 hides it; v3 adds a note. Handlers know only v3.</summary>
internal sealed record ParcelV1(long N, string Secret) : IEvent<ParcelV1>
{
    public static string WireName => "shop.parcel.v1";

    public static JsonTypeInfo<ParcelV1> JsonTypeInfo => ParcelJson.Default.ParcelV1;
}

internal sealed record ParcelV2(long N, string Hidden) : IEvent<ParcelV2>
{
    public static string WireName => "shop.parcel.v2";

    public static JsonTypeInfo<ParcelV2> JsonTypeInfo => ParcelJson.Default.ParcelV2;
}

internal sealed record Parcel(long N, string Hidden, string Note) : IEvent<Parcel>
{
    public static string WireName => "shop.parcel.v3";

    public static JsonTypeInfo<Parcel> JsonTypeInfo => ParcelJson.Default.Parcel;
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ParcelV1))]
[JsonSerializable(typeof(ParcelV2))]
[JsonSerializable(typeof(Parcel))]
internal sealed partial class ParcelJson : JsonSerializerContext;

internal sealed class HideSecret : IUpcaster<ParcelV1, ParcelV2>
{
    public ParcelV2 Upcast(ParcelV1 old) => new(old.N, "hidden-" + old.N.ToString(System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>Records what it was handed (the envelope's type and payload), failing on the poisoned numbers.</summary>
internal sealed class RecordParcel(Faults faults) : IEventHandler<Parcel>
{
    public async ValueTask HandleAsync(Parcel @event, ConsumeContext context, CancellationToken cancellationToken)
    {
        await Recorder.RecordAsync(context, @event.N, context.Envelope.Payload, cancellationToken);
        if (faults.Poison.ContainsKey(@event.N))
        {
            throw new InvalidOperationException($"cannot apply parcel {@event.N}");
        }
    }
}

/// <summary>A consumer written before the upcasters, still handling v1.</summary>
internal sealed class RefuseParcelV1 : IEventHandler<ParcelV1>
{
    public ValueTask HandleAsync(ParcelV1 @event, ConsumeContext context, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("v1 is not handled any more");
}

public sealed class Upcasting
{
    private const string Secret = "s3cr3t-in-clear";

    private static void Upcasters(MessagingBuilder m, Func<string, string>? v2ToV3 = null) => m
        .AddUpcaster<ParcelV1, ParcelV2, HideSecret>()
        .AddUpcaster("shop.parcel.v2", "shop.parcel.v3", v2ToV3 ?? (json =>
        {
            var node = JsonNode.Parse(json)!.AsObject();
            node["note"] = "upcast from v2";
            return node.ToJsonString();
        }));

    private static Task<TestHost> StartAsync(string path, Faults faults, Func<string, string>? v2ToV3 = null) =>
        TestHost.StartAsync(path,
            m =>
            {
                m.WithShop().WithRecorderDatabase("alpha").AddConsumer("parcels", "alpha", c => c.Handle<Parcel, RecordParcel>().OnReset<ForgetRecorded>());
                Upcasters(m, v2ToV3);
            },
            services: s => s.AddSingleton(faults));

    /// <summary>Old versions as an earlier release wrote them, the current one, and an event of another type between.</summary>
    private static async Task PublishAllVersionsAsync(TestHost host)
    {
        await using var tx = await host.Shop().BeginAsync(TestContext.Current.CancellationToken);
        tx.Publish(new ParcelV1(1, Secret));
        tx.Publish(new Counted(100, "other type"));
        tx.Publish(new ParcelV2(2, "hidden-2"));
        tx.Publish(new Parcel(3, "hidden-3", "current"));
        tx.Publish(new ParcelV1(4, Secret));
        await tx.CommitAsync(TestContext.Current.CancellationToken);
    }

    private static Task<List<string>> ReceivedAsync(TestHost host) =>
        Sql.RowsAsync(host.Database("alpha"), "SELECT n, type, key FROM applied WHERE consumer = 'parcels' ORDER BY rowid");

    [Fact]
    public async Task Old_versions_are_upcast_on_live_read_and_the_handler_gets_only_the_latest()
    {
        using var dir = new TempDirectory("messaging");
        await using var host = await StartAsync(dir.Path, new Faults());

        await PublishAllVersionsAsync(host);
        await host.CaughtUpAsync();

        (await ReceivedAsync(host)).ShouldBe(
        [
            """1|shop.parcel.v3|{"n":1,"hidden":"hidden-1","note":"upcast from v2"}""",
            """2|shop.parcel.v3|{"n":2,"hidden":"hidden-2","note":"upcast from v2"}""",
            """3|shop.parcel.v3|{"n":3,"hidden":"hidden-3","note":"current"}""",
            """4|shop.parcel.v3|{"n":4,"hidden":"hidden-4","note":"upcast from v2"}""",
        ]);
        // The log itself is never rewritten.
        (await Sql.LongAsync(host.Shop(), "SELECT COUNT(*) FROM event_log WHERE type = 'shop.parcel.v1'")).ShouldBe(2);
    }

    [Fact]
    public async Task A_replay_from_the_beginning_upcasts_the_old_events_again()
    {
        using var dir = new TempDirectory("messaging");
        await using var host = await StartAsync(dir.Path, new Faults());
        await PublishAllVersionsAsync(host);
        await host.CaughtUpAsync();

        await host.Admin.ResetAsync("parcels", ReplayFrom.Beginning, TestContext.Current.CancellationToken);
        await Eventually.HoldsAsync(() => ReceivedAsync(host), r => r.Count == 4, "the replay re-applied the four parcels");

        var replayed = await ReceivedAsync(host);
        replayed.ShouldAllBe(r => r.Contains("|shop.parcel.v3|", StringComparison.Ordinal));
        replayed.ShouldNotContain(r => r.Contains(Secret, StringComparison.Ordinal));
        replayed[0].ShouldBe("""1|shop.parcel.v3|{"n":1,"hidden":"hidden-1","note":"upcast from v2"}""");
    }

    [Fact]
    public async Task A_failing_old_event_is_dead_lettered_upcast_and_redriven_upcast()
    {
        using var dir = new TempDirectory("messaging");
        var faults = new Faults();
        faults.Poison[1] = true;
        await using var host = await StartAsync(dir.Path, faults);
        await PublishAllVersionsAsync(host);
        await host.CaughtUpAsync();

        var letter = (await host.Admin.DeadLettersAsync("parcels", ct: TestContext.Current.CancellationToken)).ShouldHaveSingleItem();
        letter.Type.ShouldBe("shop.parcel.v3");
        letter.Payload.ShouldNotContain(Secret);
        letter.Payload.ShouldContain("hidden-1");

        faults.Poison.TryRemove(1, out _);
        (await host.Admin.RedriveAsync("parcels", letter.Id, TestContext.Current.CancellationToken)).Status.ShouldBe(RedriveStatus.Applied);
        (await ReceivedAsync(host)).ShouldContain("""1|shop.parcel.v3|{"n":1,"hidden":"hidden-1","note":"upcast from v2"}""");
    }

    [Fact]
    public async Task A_dead_letter_stored_as_an_old_version_is_upcast_when_redriven()
    {
        using var dir = new TempDirectory("messaging");
        await using (var before = await TestHost.StartAsync(dir.Path,
            m => m.WithShop().WithRecorderDatabase("alpha").AddConsumer("parcels", "alpha", c => c.Handle<ParcelV1, RefuseParcelV1>())))
        {
            await using var tx = await before.Shop().BeginAsync(TestContext.Current.CancellationToken);
            tx.Publish(new ParcelV1(7, Secret));
            await tx.CommitAsync(TestContext.Current.CancellationToken);
            await Eventually.HoldsAsync(() => before.Admin.DeadLettersAsync("parcels", ct: TestContext.Current.CancellationToken), l => l.Count == 1, "the v1 event is dead-lettered");
        }

        await using var host = await StartAsync(dir.Path, new Faults());
        var letter = (await host.Admin.DeadLettersAsync("parcels", ct: TestContext.Current.CancellationToken)).ShouldHaveSingleItem();
        letter.Type.ShouldBe("shop.parcel.v1");

        (await host.Admin.RedriveAsync("parcels", letter.Id, TestContext.Current.CancellationToken)).Status.ShouldBe(RedriveStatus.Applied);
        (await ReceivedAsync(host)).ShouldBe(["""7|shop.parcel.v3|{"n":7,"hidden":"hidden-7","note":"upcast from v2"}"""]);
    }

    [Fact]
    public async Task An_upcaster_that_throws_dead_letters_that_event_and_the_others_flow()
    {
        using var dir = new TempDirectory("messaging");
        await using var host = await StartAsync(dir.Path, new Faults(), json =>
            json.Contains("\"n\":2", StringComparison.Ordinal) ? throw new FormatException("bad v2 payload") : JsonNode.Parse(json)!.AsObject().ToJsonString().Replace("}", ",\"note\":\"x\"}", StringComparison.Ordinal));

        await PublishAllVersionsAsync(host);
        await host.CaughtUpAsync();

        var letter = (await host.Admin.DeadLettersAsync("parcels", ct: TestContext.Current.CancellationToken)).ShouldHaveSingleItem();
        letter.Type.ShouldBe("shop.parcel.v2");
        letter.Error.ShouldContain("bad v2 payload");
        (await ReceivedAsync(host)).Select(r => r.Split('|')[0]).ShouldBe(["1", "3", "4"]);
    }

    [Fact]
    public async Task A_consumer_of_a_version_that_is_upcast_is_refused_at_start()
    {
        using var dir = new TempDirectory("messaging");

        var error = await Should.ThrowAsync<InvalidOperationException>(() => TestHost.StartAsync(dir.Path, m =>
        {
            m.WithShop().WithRecorderDatabase("alpha").AddConsumer("parcels", "alpha", c => c.Handle<ParcelV1, RefuseParcelV1>());
            Upcasters(m);
        }));

        error.Message.ShouldContain("'shop.parcel.v1', which is upcast to 'shop.parcel.v3'");
    }

    [Fact]
    public void An_upcaster_stays_within_its_service_and_names_a_version()
    {
        var messaging = new ServiceCollection().AddMessaging(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());

        Should.Throw<InvalidOperationException>(() => messaging.AddUpcaster("shop.parcel.v1", "other.parcel.v2", json => json));
        Should.Throw<InvalidOperationException>(() => messaging.AddUpcaster("shop.parcel.v1", "shop.parcel.v1", json => json));
        Should.Throw<InvalidOperationException>(() => messaging.AddUpcaster("shop.parcel", "shop.parcel.v2", json => json));
    }
}
