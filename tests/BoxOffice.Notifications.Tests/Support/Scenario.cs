using BoxOffice.Contracts.Accounts;
using BoxOffice.Contracts.Payments;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Testing;

namespace BoxOffice.Notifications.Tests.Support;

/// <summary>Upstream facts as the Accounts, Tickets and Payments services publish them.</summary>
internal static class Scenario
{
    public static readonly DateTimeOffset HamletStarts = new(2031, 6, 14, 19, 30, 0, TimeSpan.Zero);

    public static Buyer NewBuyer(string name = "Ada Lovelace")
    {
        var id = Guid.CreateVersion7();
        return new Buyer(id, $"buyer-{id:N}@example.test", name);
    }

    public static async Task<Buyer> RegisteredAsync(this NotificationsWorld world, string name = "Ada Lovelace")
    {
        var buyer = NewBuyer(name);
        await world.RegisterAsync(buyer);
        return buyer;
    }

    public static Task RegisterAsync(this NotificationsWorld world, Buyer buyer) =>
        world.PublishAsync(new AccountRegistered(buyer.UserId, buyer.Email, buyer.DisplayName, new DateOnly(1990, 1, 1)));

    public static async Task<EventPublished> HamletAsync(this NotificationsWorld world)
    {
        var published = new EventPublished(
            Guid.CreateVersion7(), "Hamlet", "Royal Court Theatre", "London", "theatre", ["The Company"], HamletStarts, 0);
        await world.PublishAsync(published);
        return published;
    }

    public static TicketsAcquired Acquired(Buyer buyer, EventPublished show, int quantity = 2) => new(
        Guid.CreateVersion7(), buyer.UserId, show.EventId, Guid.CreateVersion7(), quantity, 4200L * quantity, "EUR",
        [.. Enumerable.Range(0, quantity).Select(_ => "BO-" + Guid.NewGuid().ToString("N")[..15].ToUpperInvariant())]);

    public static TicketsReleased Released(Buyer buyer, EventPublished show, ReleaseReason reason, string? detail = null) => new(
        Guid.CreateVersion7(), buyer.UserId, show.EventId, Guid.CreateVersion7(), 2, reason, detail);

    public static PaymentRequiresAction RequiresAction(Buyer buyer, Guid reservationId) => new(
        Guid.CreateVersion7(), reservationId, buyer.UserId, new Uri($"https://gateway.test/challenge/{reservationId:N}"));

    public static PaymentRefunded Refunded(Buyer buyer, Guid reservationId) => new(
        Guid.CreateVersion7(), reservationId, buyer.UserId, 8400, "EUR");

    /// <summary>Waits until the buyer has <paramref name="count"/> mails of the world (any status) and returns them.</summary>
    public static async Task<List<MailRow>> MailsOfAsync(this NotificationsWorld world, Buyer buyer, int count = 1) =>
        (await Eventually.HoldsAsync(
            world.MailsAsync,
            rows => rows.Count(r => r.UserId == buyer.UserId) >= count,
            $"{count} notification(s) exist for {buyer.DisplayName}"))
        .Where(r => r.UserId == buyer.UserId).ToList();
}
