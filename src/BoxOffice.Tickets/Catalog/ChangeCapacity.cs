using System.Globalization;
using BoxOffice.Messaging.Deciding;
using BoxOffice.Messaging.GroupCommit;
using BoxOffice.Messaging.Storage;
using BoxOffice.ServiceDefaults;
using BoxOffice.Tickets.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Tickets.Catalog;

internal sealed record ChangeCapacityBody(int? Capacity);

/// <summary>A ticket type as a capacity change is decided on: its organizer, what is held or sold, its max per order.</summary>
internal sealed record CapacityState(Guid TicketTypeId, Guid OrganizerId, int Committed, int MaxPerOrder);

internal abstract record CapacityOutcome
{
    public sealed record Changed : CapacityOutcome;

    /// <summary>Missing, or another organizer's: the same answer either way.</summary>
    public sealed record NotFound : CapacityOutcome;

    public sealed record BelowCommitted(int Committed) : CapacityOutcome;
}

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
        CapacityState? state = null;
        await using (var reader = await tx.Command("""
                SELECT t.held + t.sold, e.organizer_id, t.max_per_order FROM ticket_types t JOIN events e ON e.id = t.event_id
                WHERE t.id = @id AND t.event_id = @event
                """).With("@id", id.ToString()).With("@event", eventId.ToString()).ExecuteReaderAsync(ct))
        {
            if (await reader.ReadAsync(ct))
            {
                state = new CapacityState(id, Guid.Parse(reader.GetString(1)), reader.GetInt32(0), reader.GetInt32(2));
            }
        }

        var verdict = Decide(state, http.User.UserId(), capacity);
        switch (verdict.Result)
        {
            case CapacityOutcome.NotFound:
                return Problems.NotFound("No such ticket type.");
            case CapacityOutcome.BelowCommitted below:
                return Problems.Result(ProblemTypes.CapacityBelowCommitted,
                    string.Create(CultureInfo.InvariantCulture, $"{below.Committed} tickets are held or sold; the capacity cannot go below that."));
        }

        await tx.ApplyAsync(verdict.Decision, TicketsWriter.Instance, ct: ct);
        await tx.CommitAsync(ct);

        await using var connection = await tickets.OpenReadAsync(ct);
        var updated = await EventView.LoadAsync(connection, "id = @id", [("@id", eventId.ToString())], 1, ct);
        return TypedResults.Ok(updated[0].TicketTypes.Single(t => t.Id == id));
    }

    /// <summary>
    /// The organizer's own ticket type takes any capacity down to what is held or sold; its max per
    /// order never stays above the capacity.
    /// </summary>
    public static Verdict<TicketsChange, CapacityOutcome> Decide(CapacityState? state, Guid user, int capacity)
    {
        if (state is null || state.OrganizerId != user)
        {
            return Verdict<TicketsChange, CapacityOutcome>.Only(new CapacityOutcome.NotFound());
        }

        if (capacity < state.Committed)
        {
            return Verdict<TicketsChange, CapacityOutcome>.Only(new CapacityOutcome.BelowCommitted(state.Committed));
        }

        return new Verdict<TicketsChange, CapacityOutcome>(
            new CapacityOutcome.Changed(),
            Decision<TicketsChange>.Of(new CapacityChanged(state.TicketTypeId, capacity, Math.Min(state.MaxPerOrder, capacity))));
    }
}
