using System.Diagnostics.Metrics;
using System.Net;
using BoxOffice.Host.Tests.Support;
using BoxOffice.Tickets.Reservations;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Host.Tests.Reserving;

/// <summary>
/// A ticket type found with no ticket left is answered "sold out" at the edge, without joining the
/// accept queue (<c>Tickets:SoldOutMemory</c>); tickets coming back reopen it at once. The memory is
/// 10 s here, longer than each test takes, so only the release can reopen the type.
/// </summary>
public sealed class AnsweringSoldOutAtTheEdge
{
    private static Task<TestApp> StartAsync() => TestApp.StartAsync(new Dictionary<string, string?> { ["Tickets:SoldOutMemory"] = "00:00:10" });

    [Fact]
    public async Task Once_a_type_is_found_sold_out_later_requests_skip_the_queue_and_a_release_reopens_it_at_once()
    {
        await using var app = await StartAsync();
        using var queued = new QueuedRequests(app.Services.GetRequiredService<IMeterFactory>());
        var (_, type) = await app.CreateEventAsync(capacity: 1);
        using var holder = await app.BuyerAsync();
        // Pending until its OTP is answered: the only ticket stays held meanwhile.
        var held = await holder.ReserveAcceptedAsync(type, 1, "tok_threeDSecureRequired");
        using var second = await app.BuyerAsync();
        await (await second.ReserveAsync(type, 1)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "sold-out");
        var decidedInTheQueue = queued.Count;
        decidedInTheQueue.ShouldBe(2);

        foreach (var _ in Enumerable.Range(0, 3))
        {
            using var late = await app.BuyerAsync();
            var refused = await (await late.ReserveAsync(type, 1)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "sold-out");
            refused["detail"]!.GetValue<string>().ShouldContain("(0 available)");
        }

        queued.Count.ShouldBe(decidedInTheQueue);

        (await holder.DeleteAsync(new Uri($"/api/reservations/{held}", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var afterTheRelease = await app.BuyerAsync();
        (await afterTheRelease.ReserveAsync(type, 1)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        queued.Count.ShouldBe(decidedInTheQueue + 1);
    }

    [Fact]
    public async Task A_retry_with_its_Idempotency_Key_still_gets_its_reservation_while_the_type_is_sold_out()
    {
        await using var app = await StartAsync();
        var (_, type) = await app.CreateEventAsync(capacity: 1);
        using var buyer = await app.BuyerAsync();
        var first = await TestApp.Json(await buyer.ReserveAsync(type, 1, idempotencyKey: "edge-retry-1"));
        using var other = await app.BuyerAsync();
        await (await other.ReserveAsync(type, 1)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "sold-out");

        var retry = await buyer.ReserveAsync(type, 1, idempotencyKey: "edge-retry-1");

        retry.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await TestApp.Json(retry))["id"]!.GetValue<Guid>().ShouldBe(first["id"]!.GetValue<Guid>());
    }

    [Fact]
    public void Remembering_is_off_with_a_memory_of_zero_and_ends_when_the_memory_does()
    {
        var type = Guid.NewGuid();
        var now = DateTimeOffset.UnixEpoch;

        SoldOutRecently.Remember(type, now, TimeSpan.Zero);
        SoldOutRecently.Holds(type, now).ShouldBeFalse();

        SoldOutRecently.Remember(type, now, TimeSpan.FromMilliseconds(250));
        SoldOutRecently.Holds(type, now.AddMilliseconds(249)).ShouldBeTrue();
        SoldOutRecently.Holds(type, now.AddMilliseconds(250)).ShouldBeFalse();
        SoldOutRecently.Forget(type);
    }

    /// <summary>Requests the host's accept queue decided (its batch-size histogram), this host's only.</summary>
    private sealed class QueuedRequests : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _count;

        public QueuedRequests(IMeterFactory hostMeters)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == hostMeters && instrument.Name == AcceptMetrics.BatchSize)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<int>((_, requests, _, _) => Interlocked.Add(ref _count, requests));
            _listener.Start();
        }

        public long Count => Interlocked.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }
}
