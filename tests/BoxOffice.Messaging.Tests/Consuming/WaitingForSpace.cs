using System.Collections.Concurrent;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.GroupCommit;
using BoxOffice.Messaging.Storage;
using BoxOffice.Messaging.Testbed;
using BoxOffice.Messaging.Tests.Support;
using BoxOffice.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace BoxOffice.Messaging.Tests.Consuming;

/// <summary>How many more times the handler finds the disk full, and how often each number was tried.</summary>
internal sealed class FullDisk
{
    public int RefusalsLeft;

    public ConcurrentDictionary<long, int> Attempts { get; } = new();
}

internal sealed class RecordCountedOnAFullDisk(FullDisk disk) : IEventHandler<Counted>
{
    public async ValueTask HandleAsync(Counted @event, ConsumeContext context, CancellationToken cancellationToken)
    {
        disk.Attempts.AddOrUpdate(@event.N, 1, (_, n) => n + 1);
        await Recorder.RecordAsync(context, @event.N, @event.Key, cancellationToken);
        if (@event.N == 3 && Interlocked.Decrement(ref disk.RefusalsLeft) >= 0)
        {
            // What Microsoft.Data.Sqlite throws when a write finds no space left.
            throw new SqliteException("SQLite Error 13: 'database or disk is full'.", 13);
        }
    }
}

/// <summary>
/// A full disk is a condition of the machine, not a fault of the event or request that met it:
/// consumers wait for space (never a dead letter for it), and it is told once, not per write.
/// </summary>
public sealed class WaitingForSpace
{
    [Fact]
    public async Task An_event_whose_write_finds_the_disk_full_is_tried_again_until_there_is_space_and_never_dead_lettered()
    {
        using var dir = new TempDirectory("messaging");
        // Far more refusals than the attempts after which a failing event is dead-lettered (5).
        var disk = new FullDisk { RefusalsLeft = 12 };
        await using var host = await TestHost.StartAsync(dir.Path,
            m => m.WithShop().WithRecorderDatabase("alpha").AddConsumer("waiting", "alpha", c => c.Handle<Counted, RecordCountedOnAFullDisk>()),
            services: s => s.AddSingleton(disk));

        await Shop.ProduceAsync(host.Shop(), 10, ct: TestContext.Current.CancellationToken);
        await host.CaughtUpAsync();

        (await host.Admin.DeadLettersAsync("waiting", ct: TestContext.Current.CancellationToken)).ShouldBeEmpty();
        disk.Attempts[3].ShouldBe(13);
        (await Sql.RowsAsync(host.Database("alpha"), "SELECT n FROM applied ORDER BY n")).ShouldBe(["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
        // The commit that applied it says there is space again.
        host.Services.GetRequiredService<StorageSpace>().IsFull.ShouldBeFalse();
    }

    [Fact]
    public async Task An_event_that_fails_for_another_reason_is_still_dead_lettered()
    {
        using var dir = new TempDirectory("messaging");
        var faults = new Faults();
        faults.Poison[3] = true;
        await using var host = await TestHost.StartAsync(dir.Path,
            m => m.WithShop().WithRecorderDatabase("alpha").AddConsumer("flaky", "alpha", c => c.Handle<Counted, FlakyRecordCounted>()),
            services: s => s.AddSingleton(faults));

        await Shop.ProduceAsync(host.Shop(), 5, ct: TestContext.Current.CancellationToken);
        await host.CaughtUpAsync();

        (await host.Admin.DeadLettersAsync("flaky", ct: TestContext.Current.CancellationToken)).ShouldHaveSingleItem().Sequence.ShouldBe(3);
        host.Services.GetRequiredService<StorageSpace>().IsFull.ShouldBeFalse();
    }

    public static TheoryData<string, Exception, bool> Errors => new()
    {
        { "SQLite's SQLITE_FULL", new SqliteException("SQLite Error 13: 'database or disk is full'.", 13), true },
        { "PostgreSQL's disk_full", new PostgresException("could not extend file: No space left on device", "ERROR", "ERROR", "53100"), true },
        { "a file write's ENOSPC", new IOException("No space left on device", 28), true },
        { "a failed group commit around it", new GroupCommitFailedException("nothing kept", new SqliteException("full", 13)), true },
        { "EF Core's wrapper around it", new InvalidOperationException("saving failed", new SqliteException("full", 13)), true },
        { "SQLite's SQLITE_BUSY", new SqliteException("SQLite Error 5: 'database is locked'.", 5), false },
        { "PostgreSQL's unique_violation", new PostgresException("duplicate key", "ERROR", "ERROR", "23505"), false },
        { "another I/O error", new IOException("Input/output error", 5), false },
        { "a handler's own exception", new InvalidOperationException("cannot apply 3"), false },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void A_full_disk_is_recognised_from_SQLite_PostgreSQL_and_file_writes_also_when_wrapped(string what, Exception error, bool full)
    {
        StorageSpace.IsFullDisk(error).ShouldBe(full, what);
    }

    [Fact]
    public void A_full_disk_is_logged_once_where_it_happens_and_once_when_space_is_back()
    {
        var logs = new LogCollector(LogLevel.Information);
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Information));
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-02T22:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var space = new StorageSpace(clock, loggers.CreateLogger<StorageSpace>());
        var full = new SqliteException("SQLite Error 13: 'database or disk is full'.", 13);

        space.Refused(new InvalidOperationException("not about space"), "tickets").ShouldBeFalse();
        space.IsFull.ShouldBeFalse();
        for (var i = 0; i < 100; i++)
        {
            space.Refused(full, "tickets").ShouldBeTrue();
        }

        clock.Advance(TimeSpan.FromSeconds(1));
        space.Refused(full, StorageSpace.Requests).ShouldBeTrue();
        space.IsFull.ShouldBeTrue();
        space.Full.Select(f => f.Where).ShouldBe(["tickets", StorageSpace.Requests]);
        clock.Advance(TimeSpan.FromSeconds(30));
        space.Wrote("payments");
        // Any commit shows a request's refusal is over (it never said where); tickets' is not.
        space.Full.Select(f => f.Where).ShouldBe(["tickets"]);
        space.Wrote("tickets");
        space.Wrote("tickets");

        space.IsFull.ShouldBeFalse();
        logs.Entries.Where(e => e.Level == LogLevel.Error).Select(e => e.Message).ShouldBe(
        [
            "Disk full for tickets: its writes are refused (HTTP 503 storage-full) and consumers and loops wait until there is space again; "
            + "nothing committed is lost. Free disk space. (SQLite Error 13: 'database or disk is full'.)",
            "Disk full for HTTP requests: its writes are refused (HTTP 503 storage-full) and consumers and loops wait until there is space again; "
            + "nothing committed is lost. Free disk space. (SQLite Error 13: 'database or disk is full'.)",
        ]);
        logs.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message).ShouldBe(
        [
            "Disk space is back for HTTP requests after 00:00:30: writes go on",
            "Disk space is back for tickets after 00:00:31: writes go on",
        ]);
    }
}
