using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using BoxOffice.Contracts;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Consuming;
using BoxOffice.ServiceDefaults;

namespace BoxOffice.Tickets.Reservations;

/// <summary>
/// <c>tickets.held.v1</c> as logs written before v2 still hold it, with the payment token in
/// clear. Kept only to upcast: no consumer can subscribe to it (the core refuses a handler of an
/// upcast version), so the clear token never reaches one.
/// </summary>
internal sealed record TicketsHeldV1(
    Guid ReservationId,
    Guid UserId,
    Guid EventId,
    Guid TicketTypeId,
    int Quantity,
    long Amount,
    string Currency,
    string PaymentToken,
    DateTimeOffset ExpiresAt) : IEvent<TicketsHeldV1>
{
    public static string WireName => "tickets.held.v1";

    public static JsonTypeInfo<TicketsHeldV1> JsonTypeInfo => TicketsHeldV1Json.Default.TicketsHeldV1;
}

/// <summary>v1 → v2: the clear token is sealed to the Payments key as it is read, so Payments can still charge a replayed v1 hold.</summary>
internal sealed class SealTokenOfTicketsHeldV1(PaymentTokenPublicKey paymentsKey) : IUpcaster<TicketsHeldV1, TicketsHeld>
{
    public TicketsHeld Upcast(TicketsHeldV1 old) => new(
        old.ReservationId, old.UserId, old.EventId, old.TicketTypeId, old.Quantity, old.Amount, old.Currency,
        PaymentTokenSeal.Seal(old.PaymentToken, paymentsKey), old.ExpiresAt);
}

/// <summary>The same JSON shape as every contract (<see cref="ContractsJson"/>).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(TicketsHeldV1))]
internal sealed partial class TicketsHeldV1Json : JsonSerializerContext;
