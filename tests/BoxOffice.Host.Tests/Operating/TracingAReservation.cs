using System.Collections.ObjectModel;
using System.Diagnostics;
using BoxOffice.Host.Tests.Support;
using BoxOffice.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace BoxOffice.Host.Tests.Operating;

/// <summary>
/// A reservation's HTTP request and the append of its <c>TicketsHeld</c> are one trace, although the
/// group commit's writer appends on a loop of its own, in a batch with other buyers' requests.
/// </summary>
public sealed class TracingAReservation
{
    [Fact]
    public async Task The_request_s_trace_holds_the_append_of_its_event_and_the_batch_links_to_the_request()
    {
        var spans = new Spans();
        await using var app = await TestApp.StartAsync(configure: b => b.Services.AddOpenTelemetry().WithTracing(t => t.AddInMemoryExporter(spans)));
        var (_, type) = await app.CreateEventAsync(capacity: 10);
        using var buyer = await app.BuyerAsync();

        // The test's own span is the root: its trace id picks this request's spans out of every host in
        // the process; marked sampled, as a caller's traceparent would be, or nothing below it is recorded.
        using var root = new Activity("test") { ActivityTraceFlags = ActivityTraceFlags.Recorded }.Start();
        await buyer.ReserveAcceptedAsync(type, 1);
        root.Stop();

        var mine = await Eventually.HoldsAsync(
            () => spans.Snapshot().Where(s => s.TraceId == root.TraceId).ToList(),
            found => found.Any(s => s.Kind == ActivityKind.Server) && found.Any(s => s.DisplayName == "append tickets"),
            "the request's server span and the append span are exported");
        var server = mine.Single(s => s.Kind == ActivityKind.Server && s.GetTagItem("http.route") as string == "/api/reservations/");
        var append = mine.Single(s => s.DisplayName == "append tickets");
        append.Source.Name.ShouldBe("BoxOffice.Messaging");
        append.ParentSpanId.ShouldBe(server.SpanId);
        append.Kind.ShouldBe(ActivityKind.Producer);
        append.GetTagItem("messaging.destination.name").ShouldBe("tickets");

        var batch = await Eventually.HoldsAsync(
            () => spans.Snapshot().FirstOrDefault(s => s.DisplayName == "group commit tickets" && s.Links.Any(l => l.Context.SpanId == server.SpanId)),
            found => found is not null, "the batch's span, linked to the request, is exported");
        batch!.TraceId.ShouldNotBe(root.TraceId);
        append.Links.ShouldContain(l => l.Context.SpanId == batch.SpanId);
    }

    /// <summary>What the in-memory exporter adds to as spans end (on the host's threads), read by the test as a copy.</summary>
    private sealed class Spans : Collection<Activity>
    {
        private readonly Lock _lock = new();

        public Activity[] Snapshot()
        {
            lock (_lock)
            {
                return [.. this];
            }
        }

        protected override void InsertItem(int index, Activity item)
        {
            lock (_lock)
            {
                base.InsertItem(index, item);
            }
        }
    }
}
