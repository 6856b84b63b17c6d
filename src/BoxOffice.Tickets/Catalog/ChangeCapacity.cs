using System.Globalization;
using BoxOffice.Messaging.Storage;
using BoxOffice.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Tickets.Catalog;

internal sealed record ChangeCapacityBody(int? Capacity);

/// <summary>
/// <c>PUT /api/events/{eventId}/ticket-types/{id}/capacity</c>: the event's organizer changes a
/// capacity; it can be raised freely and lowered only down to what is held or sold.
/// </summary>
internal static class ChangeCapacity
{
    public static void Map(IEndpointRouteBuilder events) =>
        events.MapPut("/{eventId:guid}/ticket-types/{id:guid}/capacity", HandleAsync).RequireAuthorization(Roles.Organizer)
            .WithName("ChangeCapacity")
            .WithSummary("Change a ticket type's capacity (organizers); never below what is held or sold")
            .AcceptsJson(new ChangeCapacityBody(500), TicketsJson.Default.ChangeCapacityBody)
            .Produces<TicketTypeView>()
            .ProducesProblems(StatusCodes.Status404NotFound, "not-found")
            .ProducesProblems(StatusCodes.Status409Conflict, "capacity-below-committed");

    public static async Task<IResult> HandleAsync(Guid eventId, Guid id, HttpContext http, [FromKeyedServices(TicketsModule.Database)] ServiceDatabase tickets)
    {
        var ct = http.RequestAborted;
        var (body, problem) = await JsonBody.ReadAsync(http.Request, TicketsJson.Default.ChangeCapacityBody, maxBytes: 1024);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Capacity is not (>= 1 and <= CreateEvent.MaxCapacity) || body.Capacity is not { } capacity)
        {
            return Problems.Validation(new Dictionary<string, string[]>
            {
                ["capacity"] = [string.Create(CultureInfo.InvariantCulture, $"capacity is 1 to {CreateEvent.MaxCapacity:N0}.")],
            });
        }

        await using var tx = await tickets.BeginAsync(ct);
        int committed;
        await using (var reader = await tx.Command("""
                SELECT t.held + t.sold, e.organizer_id FROM ticket_types t JOIN events e ON e.id = t.event_id
                WHERE t.id = @id AND t.event_id = @event
                """).With("@id", id.ToString()).With("@event", eventId.ToString()).ExecuteReaderAsync(ct))
        {
            // Another organizer's event is as unknown as a missing one.
            if (!await reader.ReadAsync(ct) || reader.GetString(1) != http.User.UserId().ToString())
            {
                return Problems.NotFound("No such ticket type.");
            }

            committed = reader.GetInt32(0);
        }

        if (capacity < committed)
        {
            return Problems.Result(ProblemTypes.CapacityBelowCommitted,
                string.Create(CultureInfo.InvariantCulture, $"{committed} tickets are held or sold; the capacity cannot go below that."));
        }

        await tx.Command("UPDATE ticket_types SET capacity = @capacity, max_per_order = CASE WHEN max_per_order < @capacity THEN max_per_order ELSE @capacity END WHERE id = @id")
            .With("@capacity", capacity).With("@id", id.ToString()).ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);

        await using var connection = await tickets.OpenReadAsync(ct);
        var updated = await EventView.LoadAsync(connection, "id = @id", [("@id", eventId.ToString())], 1, ct);
        return TypedResults.Ok(updated[0].TicketTypes.Single(t => t.Id == id));
    }
}
