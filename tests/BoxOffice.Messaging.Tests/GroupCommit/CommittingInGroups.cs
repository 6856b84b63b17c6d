using System.Collections.Concurrent;
using BoxOffice.Messaging.Deciding;
using BoxOffice.Messaging.EventLog;
using BoxOffice.Messaging.GroupCommit;
using BoxOffice.Messaging.Storage;
using BoxOffice.Messaging.Testbed;
using BoxOffice.Messaging.Tests.Support;
using BoxOffice.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace BoxOffice.Messaging.Tests.GroupCommit;

/// <summary>Take <paramref name="Quantity"/> of <paramref name="Item"/>'s stock for <paramref name="Who"/>.</summary>
internal sealed record Take(string Who, int Quantity, string Item = Stock.Item);

/// <summary>A take that was granted: the change the stock decider writes.</summary>
internal sealed record Taken(string Who, int Quantity, string Item);

/// <summary>
/// A small use case for the group commit: a stock of one item that requests take from. Each take is
/// granted only if what the takes before it left covers it; a granted take writes a row, lowers the
/// stock and publishes <c>Counted</c> (N = quantity, Key = who).
/// </summary>
internal sealed class Stock : IBatchDecider<Take, int, Taken, string>
{
    public const string Item = "widget";

    public static MigrationSet Schema { get; } = new("stock",
    [
        new Migration(1, "one item's stock and the takes from it", """
            CREATE TABLE stock (item TEXT PRIMARY KEY, remaining INTEGER NOT NULL CHECK (remaining >= 0));
            CREATE TABLE takes (
                who TEXT NOT NULL,
                quantity INTEGER NOT NULL,
                item TEXT NOT NULL REFERENCES stock (item) DEFERRABLE INITIALLY DEFERRED);
            """),
    ]);

    /// <summary>The size of each batch, in the order they were loaded.</summary>
    public ConcurrentQueue<int> Batches { get; } = new();

    /// <summary>Deciding a request from this buyer throws.</summary>
    public string? ThrowFor { get; init; }

    public static async Task SetAsync(ServiceDatabase shop, int remaining)
    {
        await using var tx = await shop.BeginAsync(TestContext.Current.CancellationToken);
        await tx.Command("INSERT INTO stock (item, remaining) VALUES (@item, @remaining) ON CONFLICT (item) DO UPDATE SET remaining = excluded.remaining")
            .With("@item", Item).With("@remaining", remaining).ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        await tx.CommitAsync(TestContext.Current.CancellationToken);
    }

    public async Task<int> LoadAsync(ServiceTransaction transaction, IReadOnlyList<Take> requests, CancellationToken cancellationToken)
    {
        Batches.Enqueue(requests.Count);
        var remaining = await transaction.Command("SELECT remaining FROM stock WHERE item = @item").With("@item", Item).ExecuteScalarAsync(cancellationToken);
        return Convert.ToInt32(remaining, System.Globalization.CultureInfo.InvariantCulture);
    }

    public Verdict<Taken, string> Decide(int state, Take request, DateTimeOffset now)
    {
        if (request.Who == ThrowFor)
        {
            throw new InvalidOperationException("A bug in deciding this one request.");
        }

        return request.Quantity <= state
            ? new Verdict<Taken, string>($"{request.Who} took {request.Quantity}",
                Decision<Taken>.Of(new Taken(request.Who, request.Quantity, request.Item), Outgoing.Of(new Counted(request.Quantity, request.Who))),
                Guid.CreateVersion7(now))
            : Verdict<Taken, string>.Only($"{request.Who} refused: {state} left");
    }

    public int Evolve(int state, Taken change) => state - change.Quantity;

    public async Task WriteAsync(ServiceTransaction transaction, IReadOnlyList<Taken> changes, CancellationToken cancellationToken)
    {
        var batch = transaction.Batch();
        foreach (var taken in changes)
        {
            batch.Add("UPDATE stock SET remaining = remaining - @quantity WHERE item = @item").With("@quantity", taken.Quantity).With("@item", Item);
            batch.Add("INSERT INTO takes (who, quantity, item) VALUES (@who, @quantity, @item)")
                .With("@who", taken.Who).With("@quantity", taken.Quantity).With("@item", taken.Item);
        }

        await batch.ExecuteAsync(cancellationToken);
    }
}

public sealed class CommittingInGroups
{
    private static GroupCommitQueue<Take, int, Taken, string> Queue(ServiceDatabase shop, Stock stock, int capacity = 1_000, int maxBatch = 256) =>
        new(shop, stock, capacity, maxBatch, TimeProvider.System, NullLogger.Instance);

    private static async Task<TestHost> StartAsync(TempDirectory dir, int remaining)
    {
        var host = await TestHost.StartAsync(dir.Path, m => m.AddDatabase("shop", Testbed.Shop.Schema, Stock.Schema));
        await Stock.SetAsync(host.Shop(), remaining);
        return host;
    }

    private static Task<string> Join(GroupCommitQueue<Take, int, Taken, string> queue, Take request)
    {
        queue.TryJoin(request, out var result).ShouldBeTrue();
        return result!;
    }

    [Fact]
    public async Task Requests_are_decided_in_the_order_they_joined_each_against_what_the_earlier_ones_left()
    {
        using var dir = new TempDirectory("messaging");
        await using var host = await StartAsync(dir, remaining: 7);
        var stock = new Stock();
        using var queue = Queue(host.Shop(), stock);
        // Joined before the writer starts: one batch, in this order.
        Take[] requests = [new("ann", 2), new("bob", 2), new("cat", 2), new("dan", 2), new("eve", 1), new("fay", 1)];
        var results = requests.Select(r => Join(queue, r)).ToList();

        await queue.StartAsync(TestContext.Current.CancellationToken);

        (await Task.WhenAll(results)).ShouldBe(["ann took 2", "bob took 2", "cat took 2", "dan refused: 1 left", "eve took 1", "fay refused: 0 left"]);
        stock.Batches.ShouldBe([6]);
        (await Sql.LongAsync(host.Shop(), "SELECT remaining FROM stock")).ShouldBe(0);
        (await Sql.RowsAsync(host.Shop(), "SELECT who, quantity FROM takes ORDER BY rowid")).ShouldBe(["ann|2", "bob|2", "cat|2", "eve|1"]);
        // The events of the accepted requests, in the order they were decided, each with its own correlation id.
        (await Sql.RowsAsync(host.Shop(), "SELECT type, payload FROM event_log ORDER BY seq")).ShouldBe(
        [
            """shop.counted.v1|{"n":2,"key":"ann"}""", """shop.counted.v1|{"n":2,"key":"bob"}""",
            """shop.counted.v1|{"n":2,"key":"cat"}""", """shop.counted.v1|{"n":1,"key":"eve"}""",
        ]);
        (await Sql.LongAsync(host.Shop(), "SELECT COUNT(DISTINCT correlation_id) FROM event_log")).ShouldBe(4);
        await queue.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Each_request_s_events_carry_the_trace_of_its_caller_not_the_writer_s()
    {
        using var dir = new TempDirectory("messaging");
        await using var host = await StartAsync(dir, remaining: 10);
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = s => s.Name == "group-commit-test",
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllData,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        using var source = new System.Diagnostics.ActivitySource("group-commit-test");
        using var queue = Queue(host.Shop(), new Stock());
        var traces = new List<string>();
        var results = new List<Task<string>>();
        foreach (var who in new[] { "ann", "bob" })
        {
            using var request = source.StartActivity("reserve " + who)!;
            traces.Add(request.Id!);
            results.Add(Join(queue, new Take(who, 1)));
        }

        results.Add(Join(queue, new Take("untraced", 1)));
        await queue.StartAsync(TestContext.Current.CancellationToken);
        await Task.WhenAll(results);

        (await Sql.RowsAsync(host.Shop(), "SELECT COALESCE(trace_parent, '-') FROM event_log ORDER BY seq")).ShouldBe([traces[0], traces[1], "-"]);
        await queue.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_transaction_takes_at_most_the_batch_size_and_the_rest_follow_in_order()
    {
        using var dir = new TempDirectory("messaging");
        await using var host = await StartAsync(dir, remaining: 50);
        var stock = new Stock();
        using var queue = Queue(host.Shop(), stock, maxBatch: 4);
        var results = Enumerable.Range(1, 10).Select(i => Join(queue, new Take($"buyer {i}", i))).ToList();

        await queue.StartAsync(TestContext.Current.CancellationToken);

        (await Task.WhenAll(results)).ShouldBe([.. Enumerable.Range(1, 10).Select(i => i <= 9 ? $"buyer {i} took {i}" : "buyer 10 refused: 5 left")]);
        stock.Batches.ShouldBe([4, 4, 2]);
        (await Sql.LongAsync(host.Shop(), "SELECT remaining FROM stock")).ShouldBe(5);
        await queue.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Concurrent_callers_share_transactions_and_the_stock_is_never_oversold()
    {
        using var dir = new TempDirectory("messaging");
        await using var host = await StartAsync(dir, remaining: 600);
        var stock = new Stock();
        using var queue = Queue(host.Shop(), stock, capacity: 2_000, maxBatch: 256);
        await queue.StartAsync(TestContext.Current.CancellationToken);

        var results = new Task<string>[1_000];
        // While another writer holds the database, at most one batch has been taken from the queue;
        // every other caller waits in the queue and is served in a batch of up to 256.
        await using (await host.Shop().BeginAsync(TestContext.Current.CancellationToken))
        {
            Parallel.For(0, results.Length, i => results[i] = Join(queue, new Take($"buyer {i}", 1)));
        }

        var answers = await Task.WhenAll(results);

        answers.Count(a => a.Contains(" took ", StringComparison.Ordinal)).ShouldBe(600);
        answers.Count(a => a.Contains(" refused: 0 left", StringComparison.Ordinal)).ShouldBe(400);
        (await Sql.LongAsync(host.Shop(), "SELECT remaining FROM stock")).ShouldBe(0);
        (await Sql.LongAsync(host.Shop(), "SELECT COUNT(*) FROM takes")).ShouldBe(600);
        (await Sql.LongAsync(host.Shop(), "SELECT COUNT(*) FROM event_log")).ShouldBe(600);
        stock.Batches.Sum().ShouldBe(1_000);
        stock.Batches.Count.ShouldBeLessThanOrEqualTo(5);
        await queue.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_batch_whose_commit_fails_fails_every_request_in_it_and_keeps_nothing()
    {
        using var dir = new TempDirectory("messaging");
        await using var host = await StartAsync(dir, remaining: 10);
        var stock = new Stock();
        using var queue = Queue(host.Shop(), stock);
        // The ghost item's row breaks a deferred foreign key: every statement runs, COMMIT refuses.
        var batch = new[] { new Take("ann", 1), new Take("mallory", 1, Item: "ghost"), new Take("bob", 1) }.Select(r => Join(queue, r)).ToList();

        await queue.StartAsync(TestContext.Current.CancellationToken);

        foreach (var result in batch)
        {
            var failed = await Should.ThrowAsync<GroupCommitFailedException>(result);
            failed.InnerException.ShouldBeOfType<Microsoft.Data.Sqlite.SqliteException>().Message.ShouldContain("FOREIGN KEY");
        }

        (await Sql.LongAsync(host.Shop(), "SELECT remaining FROM stock")).ShouldBe(10);
        (await Sql.LongAsync(host.Shop(), "SELECT COUNT(*) FROM takes")).ShouldBe(0);
        (await Sql.LongAsync(host.Shop(), "SELECT COUNT(*) FROM event_log")).ShouldBe(0);
        // The failed transaction was rolled back: the next batch commits.
        (await Join(queue, new Take("cat", 3))).ShouldBe("cat took 3");
        (await Sql.LongAsync(host.Shop(), "SELECT remaining FROM stock")).ShouldBe(7);
        (await Sql.LongAsync(host.Shop(), "SELECT COUNT(*) FROM event_log")).ShouldBe(1);
        await queue.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_request_whose_decision_throws_fails_alone_and_the_next_is_decided_as_if_it_never_came()
    {
        using var dir = new TempDirectory("messaging");
        await using var host = await StartAsync(dir, remaining: 3);
        using var queue = Queue(host.Shop(), new Stock { ThrowFor = "bug" });
        var ann = Join(queue, new Take("ann", 2));
        var bug = Join(queue, new Take("bug", 1));
        var bob = Join(queue, new Take("bob", 1));

        await queue.StartAsync(TestContext.Current.CancellationToken);

        (await ann).ShouldBe("ann took 2");
        (await Should.ThrowAsync<GroupCommitFailedException>(bug)).InnerException.ShouldBeOfType<InvalidOperationException>();
        (await bob).ShouldBe("bob took 1");
        (await Sql.LongAsync(host.Shop(), "SELECT remaining FROM stock")).ShouldBe(0);
        await queue.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_full_queue_refuses_to_take_a_request_and_takes_again_once_drained()
    {
        using var dir = new TempDirectory("messaging");
        await using var host = await StartAsync(dir, remaining: 10);
        using var queue = Queue(host.Shop(), new Stock(), capacity: 3);
        var waiting = new[] { "ann", "bob", "cat" }.Select(who => Join(queue, new Take(who, 1))).ToList();

        queue.TryJoin(new Take("dan", 1), out var refused).ShouldBeFalse();
        refused.ShouldBeNull();

        await queue.StartAsync(TestContext.Current.CancellationToken);
        (await Task.WhenAll(waiting)).ShouldBe(["ann took 1", "bob took 1", "cat took 1"]);
        (await Join(queue, new Take("dan", 1))).ShouldBe("dan took 1");
        await queue.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Requests_waiting_when_the_queue_stops_fail_and_nothing_joins_afterwards()
    {
        using var dir = new TempDirectory("messaging");
        await using var host = await StartAsync(dir, remaining: 10);
        using var queue = Queue(host.Shop(), new Stock());
        await queue.StartAsync(TestContext.Current.CancellationToken);
        List<Task<string>> waiting;
        await using (await host.Shop().BeginAsync(TestContext.Current.CancellationToken))
        {
            // The writer cannot begin its transaction while this one is open; it may not even have
            // started running when the stop comes (the race a host stopped at once has).
            waiting = [.. new[] { "ann", "bob", "cat" }.Select(who => Join(queue, new Take(who, 1)))];
            await queue.StopAsync(TestContext.Current.CancellationToken);
        }

        foreach (var request in waiting)
        {
            await Should.ThrowAsync<GroupCommitFailedException>(request);
        }

        queue.TryJoin(new Take("dan", 1), out _).ShouldBeFalse();
        (await Sql.LongAsync(host.Shop(), "SELECT remaining FROM stock")).ShouldBe(10);
    }
}
