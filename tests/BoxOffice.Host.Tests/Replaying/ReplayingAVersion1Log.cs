using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using BoxOffice.Contracts;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Host.Tests.Support;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Hosting;
using BoxOffice.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Host.Tests.Replaying;

/// <summary>A consumer of TicketsHeld that is not Payments: it keeps what it was handed, as it was serialized.</summary>
internal sealed class SpyOnTicketsHeld(ConcurrentQueue<EventEnvelope> received) : IEventHandler<TicketsHeld>
{
    public ValueTask HandleAsync(TicketsHeld @event, ConsumeContext context, CancellationToken cancellationToken)
    {
        received.Enqueue(context.Envelope);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// A tickets log written by the version that put payment tokens in clear into <c>tickets.held.v1</c>
/// (<c>Fixtures/tickets-v1.db</c>, see its README) is read by today's consumers.
/// </summary>
public sealed class ReplayingAVersion1Log
{
    private static readonly Guid PaidWithVisa = Guid.Parse("01a232de-2492-7818-a79a-f08d4ad061d7", CultureInfo.InvariantCulture);
    private static readonly Guid PaidWithDeclinedCard = Guid.Parse("01a232de-2d00-7129-8c26-d039998a2c29", CultureInfo.InvariantCulture);
    private static readonly string[] ClearTokens = ["tok_visa", "tok_chargeDeclined"];

    [Fact]
    public async Task Payments_charges_v1_holds_with_the_original_tokens_while_every_other_consumer_gets_them_sealed()
    {
        StoreUnderTest.SkipUnlessSqlite("the v1 log is a SQLite file the v1 code wrote (Fixtures/tickets-v1.db); a v1 PostgreSQL log never existed");
        using var data = new TempDirectory("v1-log");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Replaying", "Fixtures", "tickets-v1.db"), Path.Combine(data.Path, "tickets.db"));
        var spied = new ConcurrentQueue<EventEnvelope>();

        await using (var app = await TestApp.StartAsync(dataDirectory: data.Path, configure: b =>
        {
            b.Services.AddSingleton(spied);
            b.Services.AddMessaging(b.Configuration).AddConsumer("spy", "notifications", c => c.Handle<TicketsHeld, SpyOnTicketsHeld>());
        }))
        {
            // Payments (a new payments.db) starts at the beginning of the tickets log. The simulator
            // charges only tok_visa and declines only tok_chargeDeclined: the outcomes show the
            // original tokens reached the gateway.
            var ledger = await Eventually.HoldsAsync(() => app.LedgerAsync(PaidWithVisa), l => l.Count == 1, "the v1 hold paid with tok_visa is charged");
            ledger[0]!["kind"]!.GetValue<string>().ShouldBe("charge");
            ledger[0]!["amount"]!.GetValue<long>().ShouldBe(9_000);
            (await Eventually.HoldsAsync(
                    async () => (string?)await app.ScalarAsync("payments", $"SELECT status || '|' || COALESCE(failure_reason, '') FROM payments WHERE reservation_id = '{PaidWithDeclinedCard:D}'"),
                    p => p == "Failed|card_declined", "the v1 hold paid with tok_chargeDeclined is declined by the gateway"))
                .ShouldBe("Failed|card_declined");

            var held = await Eventually.HoldsAsync(() => Task.FromResult(spied.ToList()), s => s.Count == 2, "the spy received both v1 holds");
            held.Select(e => e.Type).ShouldBe(["tickets.held.v2", "tickets.held.v2"]);
            held.Select(e => e.CorrelationId).ShouldBe([PaidWithVisa, PaidWithDeclinedCard]);
            foreach (var envelope in held)
            {
                envelope.Payload.ShouldContain("\"sealedPaymentToken\":\"rsa-oaep-sha256:");
                ClearTokens.ShouldAllBe(token => !envelope.Payload.Contains(token, StringComparison.Ordinal));
            }

            using var organizer = await app.OrganizerAsync();
            foreach (var consumer in new[] { "notifications", "recommendations", "loyalty" })
            {
                await TestApp.CaughtUpAsync(organizer, consumer);
            }
        }

        // Nothing but Payments (and the gateway it charged) stored a token: the other services'
        // databases, write-ahead logs and mails are searched byte for byte.
        var others = Directory.EnumerateFiles(data.Path, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(data.Path, f).StartsWith("payments.db", StringComparison.Ordinal)
                && !Path.GetRelativePath(data.Path, f).StartsWith("tickets.db", StringComparison.Ordinal)
                && !Path.GetRelativePath(data.Path, f).StartsWith("gateway", StringComparison.Ordinal))
            .ToList();
        others.ShouldContain(f => f.EndsWith("notifications.db", StringComparison.Ordinal));
        foreach (var file in others)
        {
            var text = Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken));
            ClearTokens.ShouldAllBe(token => !text.Contains(token, StringComparison.Ordinal), file);
        }
    }
}
