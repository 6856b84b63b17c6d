using System.Text.Json.Serialization;
using BoxOffice.Tickets.Catalog;
using BoxOffice.Tickets.Reservations;

namespace BoxOffice.Tickets;

/// <summary>Request bodies, read strictly: camelCase, unknown properties refused.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(ReserveBody))]
[JsonSerializable(typeof(CreateEventBody))]
[JsonSerializable(typeof(ChangeCapacityBody))]
[JsonSerializable(typeof(UpdateEventBody))]
[JsonSerializable(typeof(TicketTypeBody))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class TicketsJson : JsonSerializerContext;
