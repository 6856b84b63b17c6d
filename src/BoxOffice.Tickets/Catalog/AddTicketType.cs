using BoxOffice.Messaging.Deciding;
using BoxOffice.Messaging.Storage;
using BoxOffice.ServiceDefaults;
using BoxOffice.Tickets.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Tickets.Catalog;

/// <summary>The event a ticket type is added to: whose it is and how many types it has.</summary>
internal sealed record EventTypes(Guid EventId, Guid OrganizerId, int Count);

/// <summary>
/// <c>POST /api/events/{eventId}/ticket-types</c>: the event's organizer adds a ticket type (checked
/// as on creation; at most 20 per event), placed after the others.
/// </summary>
internal static class AddTicketType
{
    public const int MaxTypes = 20;

    public static void Map(IEndpointRouteBuilder events) =>
        events.MapPost("/{eventId:guid}/ticket-types", HandleAsync).RequireAuthorization(Roles.Organizer)
            .WithName("AddTicketType")
            .WithSummary("Add a ticket type to an event (its organizer)")
            .AcceptsJson(new TicketTypeBody("Balcony", 4500, "EUR", 80, 4), TicketsJson.Default.TicketTypeBody)
            .ProducesWithLocation<TicketTypeView>(StatusCodes.Status201Created, "`/api/events/{eventId}`: the event with the new type.")
            .ProducesProblems(StatusCodes.Status404NotFound, "not-found");

    public static async Task<IResult> HandleAsync(Guid eventId, HttpContext http, [FromKeyedServices(TicketsModule.Database)] ServiceDatabase tickets, TimeProvider time)
    {
        var ct = http.RequestAborted;
        var (body, problem) = await JsonBody.ReadAsync(http.Request, TicketsJson.Default.TicketTypeBody, maxBytes: 4 * 1024);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new Dictionary<string, string[]>();
        CreateEvent.ValidateTicketType(errors, "", body!);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var id = Guid.CreateVersion7(time.GetUtcNow());
        await using (var tx = await tickets.BeginAsync(ct))
        {
            EventTypes? state = null;
            await using (var reader = await tx.Command("""
                    SELECT e.organizer_id, (SELECT COUNT(*) FROM ticket_types t WHERE t.event_id = e.id) FROM events e WHERE e.id = @id
                    """).With("@id", eventId.ToString()).ExecuteReaderAsync(ct))
            {
                if (await reader.ReadAsync(ct))
                {
                    state = new EventTypes(eventId, Guid.Parse(reader.GetString(0)), (int)reader.GetInt64(1));
                }
            }

            var decision = Decide(state, http.User.UserId(), id, body!);
            switch (decision)
            {
                case null:
                    return Problems.NotFound("No such event.");
                case { IsEmpty: true }:
                    return Problems.Validation(new Dictionary<string, string[]> { ["ticketTypes"] = [$"An event has at most {MaxTypes} ticket types."] });
            }

            await tx.ApplyAsync(decision, TicketsWriter.Instance, ct: ct);
            await tx.CommitAsync(ct);
        }

        await using var connection = await tickets.OpenReadAsync(ct);
        var found = await EventView.LoadAsync(connection, "id = @id", [("@id", eventId.ToString())], 1, ct);
        return TypedResults.Created($"/api/events/{eventId}", found[0].TicketTypes.Single(t => t.Id == id));
    }

    /// <summary>
    /// The organizer's own event takes the new type last in its order; anyone else's, or none, is not
    /// found (null); an event that has <see cref="MaxTypes"/> already takes none (an empty decision).
    /// </summary>
    public static Decision<TicketsChange>? Decide(EventTypes? state, Guid user, Guid id, TicketTypeBody t)
    {
        if (state is null || state.OrganizerId != user)
        {
            return null;
        }

        if (state.Count >= MaxTypes)
        {
            return Decision<TicketsChange>.None;
        }

        return Decision<TicketsChange>.Of(new TicketTypeAdded(state.EventId,
            new TicketTypeRow(id, t.Name!.Trim(), t.Price!.Value, t.Currency!.ToUpperInvariant(), t.Capacity!.Value, t.MaxPerOrder!.Value, state.Count)));
    }
}
