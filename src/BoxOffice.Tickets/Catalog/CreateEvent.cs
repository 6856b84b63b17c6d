using System.Globalization;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Deciding;
using BoxOffice.Messaging.EventLog;
using BoxOffice.Messaging.Storage;
using BoxOffice.ServiceDefaults;
using BoxOffice.Tickets.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Tickets.Catalog;

internal sealed record TicketTypeBody(string? Name, long? Price, string? Currency, int? Capacity, int? MaxPerOrder);

internal sealed record CreateEventBody(
    string? Name,
    string? Venue,
    string? City,
    string? Category,
    IReadOnlyList<string>? Performers,
    DateTimeOffset? StartsAt,
    int? MinimumAge,
    string? Description,
    IReadOnlyList<TicketTypeBody>? TicketTypes);

/// <summary><c>POST /api/events</c>: an organizer puts an event on sale with its ticket types.</summary>
internal static class CreateEvent
{
    /// <summary>
    /// The highest ticket price, in minor units: 1,000,000.00 in a two-decimal currency. No real
    /// ticket costs more, and with <see cref="MaxPerOrderLimit"/> tickets an order stays far inside
    /// a <c>long</c> and inside what a card gateway accepts in one charge.
    /// </summary>
    public const long MaxPrice = 100_000_000;

    /// <summary>The most tickets of a type one order may take; hold limits per buyer are lower anyway.</summary>
    public const int MaxPerOrderLimit = 100;

    /// <summary>The most tickets of one type: a stadium's worth and then some.</summary>
    public const int MaxCapacity = 1_000_000;

    public static void Map(IEndpointRouteBuilder events) =>
        events.MapPost("/", HandleAsync).RequireAuthorization(Roles.Organizer)
            .WithName("CreateEvent")
            .WithSummary("Put an event on sale with its ticket types (organizers)")
            .AcceptsJson(
                new CreateEventBody(
                    "Jazz on the Quay", "Harbour Hall", "Lisbon", "music", ["The Quay Quartet"],
                    new DateTimeOffset(2027, 6, 12, 20, 0, 0, TimeSpan.Zero), 0, "An evening of modern jazz by the river.",
                    [new TicketTypeBody("Standing", 3500, "EUR", 400, 6), new TicketTypeBody("Seated", 5500, "EUR", 120, 4)]),
                TicketsJson.Default.CreateEventBody)
            .ProducesWithLocation<EventView>(StatusCodes.Status201Created, "`/api/events/{id}`: the new event.");

    public static async Task<IResult> HandleAsync(HttpContext http, [FromKeyedServices(TicketsModule.Database)] ServiceDatabase tickets, TimeProvider time)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, TicketsJson.Default.CreateEventBody, maxBytes: 64 * 1024);
        if (problem is not null)
        {
            return problem;
        }

        var now = time.GetUtcNow();
        var errors = Validate(body!, now);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        await using var tx = await tickets.BeginAsync(http.RequestAborted);
        var id = await InsertAsync(tx, http.User.UserId(), body!, now, http.RequestAborted);
        await tx.CommitAsync(http.RequestAborted);

        await using var connection = await tickets.OpenReadAsync(http.RequestAborted);
        var created = await EventView.LoadAsync(connection, "id = @id", [("@id", id.ToString())], 1, http.RequestAborted);
        return TypedResults.Created($"/api/events/{id}", created[0]);
    }

    /// <summary>Stores the event and its ticket types and publishes EventPublished, in the caller's transaction.</summary>
    internal static async Task<Guid> InsertAsync(ServiceTransaction tx, Guid organizer, CreateEventBody body, DateTimeOffset now, CancellationToken ct)
    {
        var id = Guid.CreateVersion7(now);
        var typeIds = body.TicketTypes!.Select(_ => Guid.CreateVersion7(now)).ToList();
        await tx.ApplyAsync(Decide(body, organizer, id, typeIds, now), TicketsWriter.Instance, ct: ct);
        return id;
    }

    /// <summary>
    /// A validated body becomes the event (texts trimmed, the category in lower case) with its ticket
    /// types in the given order, and <c>EventPublished</c>. The ids are made by the caller.
    /// </summary>
    public static Decision<TicketsChange> Decide(CreateEventBody body, Guid organizer, Guid eventId, IReadOnlyList<Guid> ticketTypeIds, DateTimeOffset now)
    {
        var types = body.TicketTypes!;
        if (ticketTypeIds.Count != types.Count)
        {
            throw new ArgumentException($"{types.Count} ticket type ids are needed, not {ticketTypeIds.Count}.", nameof(ticketTypeIds));
        }

        var e = new EventRow(eventId, organizer, body.Name!.Trim(), body.Venue!.Trim(), body.City!.Trim(), body.Category!.Trim().ToLowerInvariant(),
            body.Performers ?? [], body.StartsAt!.Value, body.MinimumAge ?? 0, body.Description?.Trim() ?? string.Empty, now);
        var rows = types.Select((t, i) => new TicketTypeRow(
            ticketTypeIds[i], t.Name!.Trim(), t.Price!.Value, t.Currency!.ToUpperInvariant(), t.Capacity!.Value, t.MaxPerOrder!.Value, i)).ToList();
        return Decision<TicketsChange>.Of(
            new EventCreated(e, rows),
            Outgoing.Of(new EventPublished(e.Id, e.Name, e.Venue, e.City, e.Category, e.Performers, e.StartsAt, e.MinimumAge)));
    }

    internal static Dictionary<string, string[]> Validate(CreateEventBody body, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        ValidateDetails(errors, body, now);
        if (body.TicketTypes is not { Count: >= 1 and <= 20 } types)
        {
            errors["ticketTypes"] = ["Between 1 and 20 ticket types are required."];
            return errors;
        }

        for (var i = 0; i < types.Count; i++)
        {
            ValidateTicketType(errors, string.Create(CultureInfo.InvariantCulture, $"ticketTypes[{i}]."), types[i]);
        }

        return errors;
    }

    /// <summary>The event's own fields (all but its ticket types), as creating and editing check them.</summary>
    internal static void ValidateDetails(Dictionary<string, string[]> errors, CreateEventBody body, DateTimeOffset now)
    {
        Text(errors, "name", body.Name, 200);
        Text(errors, "venue", body.Venue, 200);
        Text(errors, "city", body.City, 100);
        Text(errors, "category", body.Category, 50);
        if (body.Performers is { } performers && (performers.Count > 20 || performers.Any(p => string.IsNullOrWhiteSpace(p) || p.Length > 100)))
        {
            errors["performers"] = ["At most 20 performers, each 1 to 100 characters."];
        }

        if (body.StartsAt is not { } startsAt || startsAt <= now)
        {
            errors["startsAt"] = ["startsAt is required and must be in the future."];
        }

        if (body.MinimumAge is < 0 or > 99)
        {
            errors["minimumAge"] = ["minimumAge is 0 (none) to 99."];
        }

        if (body.Description is { Length: > 4000 })
        {
            errors["description"] = ["description is at most 4000 characters."];
        }
    }

    /// <summary>One ticket type's fields; <paramref name="at"/> prefixes the field names (<c>ticketTypes[0].</c>, or nothing).</summary>
    internal static void ValidateTicketType(Dictionary<string, string[]> errors, string at, TicketTypeBody t)
    {
        Text(errors, at + "name", t.Name, 100);
        if (t.Price is not (>= 0 and <= MaxPrice))
        {
            errors[at + "price"] = [string.Create(CultureInfo.InvariantCulture, $"price is required, in minor units (cents), 0 to {MaxPrice:N0}.")];
        }

        if (t.Currency is not { Length: 3 } currency || !currency.All(char.IsAsciiLetterUpper))
        {
            errors[at + "currency"] = ["currency is a three-letter ISO 4217 code in capitals, for example EUR."];
        }

        if (t.Capacity is not (>= 1 and <= MaxCapacity))
        {
            errors[at + "capacity"] = [string.Create(CultureInfo.InvariantCulture, $"capacity is 1 to {MaxCapacity:N0}.")];
        }

        if (t.MaxPerOrder is not (>= 1 and <= MaxPerOrderLimit) || t.MaxPerOrder > t.Capacity)
        {
            errors[at + "maxPerOrder"] = [string.Create(CultureInfo.InvariantCulture, $"maxPerOrder is 1 to {MaxPerOrderLimit} and at most the capacity.")];
        }
    }

    private static void Text(Dictionary<string, string[]> errors, string field, string? value, int max)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Trim().Length > max)
        {
            var name = field[(field.LastIndexOf('.') + 1)..];
            errors[field] = [string.Create(CultureInfo.InvariantCulture, $"{name} is required, 1 to {max} characters.")];
        }
    }
}
