using BoxOffice.Host.Tests.Support;
using BoxOffice.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace BoxOffice.Host.Tests.Reserving;

/// <summary>The host logs one Information line per reservation state change, with the id and old → new state.</summary>
public sealed class LoggingStateChanges
{
    private const string Category = "BoxOffice.Tickets.Reservations.ReservationLog";

    private static Task<TestApp> StartAsync(TimeProvider? time = null) =>
        TestApp.StartAsync(time: time, configure: b => b.Logging.AddFilter(Category, LogLevel.Information));

    private static Task<List<string>> LinesAboutAsync(TestApp app, Guid id, int count, string what) =>
        Eventually.HoldsAsync(
            () => app.Logs.Entries.Where(e => e.Level == LogLevel.Information && e.Message.StartsWith($"Reservation {id} ", StringComparison.Ordinal))
                .Select(e => e.Message).ToList(),
            lines => lines.Count >= count,
            what);

    [Fact]
    public async Task A_purchase_logs_pending_then_acquired_for_its_id()
    {
        await using var app = await StartAsync();
        var (_, type) = await app.CreateEventAsync(capacity: 10);
        using var buyer = await app.BuyerAsync();

        var id = await buyer.ReserveAcceptedAsync(type, 2);
        await buyer.UntilAsync(id, r => r.Status() == "Acquired", "the purchase is acquired");

        var lines = await LinesAboutAsync(app, id, 2, "both state changes are logged");
        lines.Count.ShouldBe(2, string.Join("\n", lines));
        lines[0].ShouldStartWith($"Reservation {id} → Pending: 2 ticket(s) of type {type} held until ");
        lines[1].ShouldBe($"Reservation {id} Pending → Acquired: 2 ticket(s) issued");
    }

    [Fact]
    public async Task A_failed_payment_logs_released_with_the_reason_and_a_cancellation_logs_cancelled()
    {
        await using var app = await StartAsync();
        var (_, type) = await app.CreateEventAsync(capacity: 10);
        using var declined = await app.BuyerAsync();
        using var quitter = await app.BuyerAsync();

        var released = await declined.ReserveAcceptedAsync(type, 1, "tok_chargeDeclined");
        await declined.UntilAsync(released, r => r.Status() == "Released", "the declined payment releases the hold");
        var cancelled = await quitter.ReserveAcceptedAsync(type, 1, "tok_threeDSecureRequired");
        (await quitter.DeleteAsync(new Uri($"/api/reservations/{cancelled}", UriKind.Relative), TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();

        (await LinesAboutAsync(app, released, 2, "the release is logged"))[1].ShouldStartWith($"Reservation {released} Pending → Released: ");
        (await LinesAboutAsync(app, cancelled, 2, "the cancellation is logged"))[1].ShouldBe($"Reservation {cancelled} Pending → Cancelled by the buyer");
    }

    [Fact]
    public async Task An_expiry_logs_pending_then_expired()
    {
        // Close to the real clock: the gateway signs its webhooks with that one.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-2));
        await using var app = await StartAsync(clock);
        var (_, type) = await app.CreateEventAsync(capacity: 10);
        using var buyer = await app.BuyerAsync();
        var id = await buyer.ReserveAcceptedAsync(type, 1, "tok_threeDSecureRequired");
        await buyer.UntilAsync(id, r => r.PaymentStatus() == "RequiresAction", "the payment asks for the challenge");

        clock.Advance(TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(1));
        await buyer.UntilAsync(id, r => r.Status() == "Expired", "the hold expires", seconds: 10);

        var lines = await LinesAboutAsync(app, id, 2, "the expiry is logged");
        lines[0].ShouldStartWith($"Reservation {id} → Pending");
        lines[1].ShouldBe($"Reservation {id} Pending → Expired: the hold lapsed before the payment completed");
    }
}
