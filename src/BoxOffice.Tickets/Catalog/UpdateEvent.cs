using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Deciding;
using BoxOffice.Messaging.Storage;
using BoxOffice.ServiceDefaults;
using BoxOffice.Tickets.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Tickets.Catalog;

internal sealed record UpdateEventBody(
    string? Name,
    string? Venue,
    string? City,
    string? Category,
    IReadOnlyList<string>? Performers,
    DateTimeOffset? StartsAt,
    int? MinimumAge,
    string? Description);

/// <summary>The event as an edit is decided on: whose it is and when it was made.</summary>
internal sealed record EditableEvent(Guid Id, Guid OrganizerId, DateTimeOffset CreatedAt);

/// <summary>
/// <c>PUT /api/events/{id}</c>: the event's organizer edits its details (name, venue, city, category,
/// performers, date, minimum age, description), checked as on creation. Its ticket types change
/// through their own endpoints. <c>EventPublished</c> goes out again with the new details: its
/// consumers (Notifications, Recommendations) keep one copy per event id and take the latest.
/// </summary>
internal static class UpdateEvent
{
    public static void Map(IEndpointRouteBuilder events) =>
        events.MapPut("/{id:guid}", HandleAsync).RequireAuthorization(Roles.Organizer)
            .WithName("UpdateEvent")
            .WithSummary("Edit an event's details (its organizer)")
            .AcceptsJson(
                new UpdateEventBody("Jazz on the Quay", "Harbour Hall", "Lisbon", "music", ["The Quay Quartet"],
                    new DateTimeOffset(2027, 6, 12, 20, 30, 0, TimeSpan.Zero), 0, "An evening of modern jazz by the river, now at half past eight."),
                TicketsJson.Default.UpdateEventBody)
            .Produces<EventView>()
            .ProducesProblems(StatusCodes.Status404NotFound, "not-found");

    public static async Task<IResult> HandleAsync(Guid id, HttpContext http, [FromKeyedServices(TicketsModule.Database)] ServiceDatabase tickets, TimeProvider time)
    {
        var ct = http.RequestAborted;
        var (body, problem) = await JsonBody.ReadAsync(http.Request, TicketsJson.Default.UpdateEventBody, maxBytes: 64 * 1024);
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

        await using (var tx = await tickets.BeginAsync(ct))
        {
            EditableEvent? existing = null;
            await using (var reader = await tx.Command("SELECT organizer_id, created_at FROM events WHERE id = @id").With("@id", id.ToString()).ExecuteReaderAsync(ct))
            {
                if (await reader.ReadAsync(ct))
                {
                    existing = new EditableEvent(id, Guid.Parse(reader.GetString(0)), TicketsStore.At(reader.GetInt64(1)));
                }
            }

            var decision = Decide(existing, http.User.UserId(), body!);
            if (decision is null)
            {
                return Problems.NotFound("No such event.");
            }

            await tx.ApplyAsync(decision, TicketsWriter.Instance, ct: ct);
            await tx.CommitAsync(ct);
        }

        await using var connection = await tickets.OpenReadAsync(ct);
        var updated = await EventView.LoadAsync(connection, "id = @id", [("@id", id.ToString())], 1, ct);
        return TypedResults.Ok(updated[0]);
    }

    internal static Dictionary<string, string[]> Validate(UpdateEventBody body, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        CreateEvent.ValidateDetails(errors, AsCreation(body), now);
        return errors;
    }

    /// <summary>
    /// The organizer's own event takes the validated details (trimmed, the category in lower case, as
    /// on creation) and publishes them again; anyone else's, or none, is not found (null).
    /// </summary>
    public static Decision<TicketsChange>? Decide(EditableEvent? existing, Guid user, UpdateEventBody body)
    {
        if (existing is null || existing.OrganizerId != user)
        {
            return null;
        }

        var e = new EventRow(existing.Id, existing.OrganizerId, body.Name!.Trim(), body.Venue!.Trim(), body.City!.Trim(), body.Category!.Trim().ToLowerInvariant(),
            body.Performers ?? [], body.StartsAt!.Value, body.MinimumAge ?? 0, body.Description?.Trim() ?? string.Empty, existing.CreatedAt);
        return Decision<TicketsChange>.Of(
            new EventUpdated(e),
            Outgoing.Of(new EventPublished(e.Id, e.Name, e.Venue, e.City, e.Category, e.Performers, e.StartsAt, e.MinimumAge)));
    }

    private static CreateEventBody AsCreation(UpdateEventBody b) =>
        new(b.Name, b.Venue, b.City, b.Category, b.Performers, b.StartsAt, b.MinimumAge, b.Description, TicketTypes: null);
}
