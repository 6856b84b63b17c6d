using System.Text.Json;
using BoxOffice.Contracts;
using BoxOffice.Contracts.Tickets;
using BoxOffice.ServiceDefaults;
using BoxOffice.Testing;

namespace BoxOffice.Payments.Tests.Support;

/// <summary>Events as the Tickets service publishes them, and waiting for what Payments publishes.</summary>
internal static class Scenario
{
    /// <summary>The Payments key of every test world (<c>Payments:TokenPrivateKey</c>), generated once per run.</summary>
    public static string PrivateKeyPem { get; } = PaymentTokenSeal.NewPrivateKeyPem();

    public static PaymentTokenPublicKey PublicKey { get; } = PaymentTokenPublicKey.FromPem(PrivateKeyPem);

    /// <summary>A hold as Tickets publishes it: the token sealed to the Payments key.</summary>
    public static TicketsHeld Held(string token, long amount = 4200, string currency = "EUR") =>
        HeldSealed(PaymentTokenSeal.Seal(token, PublicKey), amount, currency);

    public static TicketsHeld HeldSealed(string sealedToken, long amount = 4200, string currency = "EUR") => new(
        Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(),
        2, amount, currency, sealedToken, DateTimeOffset.UtcNow.AddMinutes(10));

    public static Task PublishAsync(this PaymentsWorld world, TicketsHeld held) => world.PublishAsync(held, held.ReservationId);

    public static Task RefundAsync(this PaymentsWorld world, TicketsHeld held) =>
        world.PublishAsync(new RefundRequested(held.ReservationId, held.UserId, held.Amount, held.Currency, "reservation expired"), held.ReservationId);

    public static Task ReleaseAsync(this PaymentsWorld world, TicketsHeld held, ReleaseReason reason) =>
        world.PublishAsync(new TicketsReleased(held.ReservationId, held.UserId, held.EventId, held.TicketTypeId, held.Quantity, reason, "test"), held.ReservationId);

    /// <summary>Waits until the payments log holds an event of <typeparamref name="T"/> for the reservation, and returns it.</summary>
    public static async Task<T> OutcomeAsync<T>(this PaymentsWorld world, TicketsHeld held, TimeSpan? timeout = null) where T : IEvent<T>
    {
        var events = await Eventually.HoldsAsync(
            () => world.EventsAsync(held.ReservationId),
            e => e.Any(x => x.Type == T.WireName),
            $"{T.WireName} is published for reservation {held.ReservationId}",
            timeout);
        var logged = events.First(x => x.Type == T.WireName);
        logged.CorrelationId.ShouldBe(held.ReservationId);
        return JsonSerializer.Deserialize(logged.Payload, T.JsonTypeInfo)!;
    }

    public static async Task<List<string>> TypesAsync(this PaymentsWorld world, TicketsHeld held) =>
        [.. (await world.EventsAsync(held.ReservationId)).Select(e => e.Type)];
}
