using System.Text.Json.Serialization;
using BoxOffice.Contracts.Accounts;
using BoxOffice.Contracts.Payments;
using BoxOffice.Contracts.Tickets;

namespace BoxOffice.Contracts;

/// <summary>Source-generated JSON metadata for every BoxOffice event (camelCase on the wire).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(AccountRegistered))]
[JsonSerializable(typeof(AccountClosed))]
[JsonSerializable(typeof(EventPublished))]
[JsonSerializable(typeof(TicketsHeld))]
[JsonSerializable(typeof(TicketsAcquired))]
[JsonSerializable(typeof(TicketsReleased))]
[JsonSerializable(typeof(RefundRequested))]
[JsonSerializable(typeof(PaymentSucceeded))]
[JsonSerializable(typeof(PaymentFailed))]
[JsonSerializable(typeof(PaymentRequiresAction))]
[JsonSerializable(typeof(PaymentRefunded))]
public sealed partial class ContractsJson : JsonSerializerContext;
