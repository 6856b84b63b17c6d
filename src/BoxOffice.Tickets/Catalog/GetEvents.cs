using BoxOffice.Messaging.Storage;
using BoxOffice.ServiceDefaults;
using BoxOffice.Tickets.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Tickets.Catalog;

/// <summary><c>GET /api/events</c> (upcoming, optionally by city or category) and <c>GET /api/events/{id}</c>.</summary>
internal static class GetEvents
{
    public static void Map(IEndpointRouteBuilder events)
    {
        events.MapGet("/", ListAsync).AllowAnonymous()
            .WithName("ListEvents")
            .WithSummary("Upcoming events with live availability, soonest first (at most 200)")
            .Produces<List<EventView>>();
        events.MapGet("/{id:guid}", OneAsync).AllowAnonymous()
            .WithName("GetEvent")
            .WithSummary("One event with its ticket types")
            .Produces<EventView>()
            .ProducesProblems(StatusCodes.Status404NotFound, "not-found");
    }

    public static async Task<IResult> ListAsync(
        string? city, string? category, HttpContext http, [FromKeyedServices(TicketsModule.Database)] ServiceDatabase tickets, TimeProvider time)
    {
        var where = "starts_at > @now";
        var parameters = new List<(string, object?)> { ("@now", TicketsStore.Ms(time.GetUtcNow())) };
        if (!string.IsNullOrWhiteSpace(city))
        {
            where += " AND lower(city) = lower(@city)";
            parameters.Add(("@city", city));
        }

        if (!string.IsNullOrWhiteSpace(category))
        {
            where += " AND lower(category) = lower(@category)";
            parameters.Add(("@category", category));
        }

        await using var connection = await tickets.OpenReadAsync(http.RequestAborted);
        return TypedResults.Ok(await EventView.LoadAsync(connection, where, parameters, 200, http.RequestAborted));
    }

    public static async Task<IResult> OneAsync(Guid id, HttpContext http, [FromKeyedServices(TicketsModule.Database)] ServiceDatabase tickets)
    {
        await using var connection = await tickets.OpenReadAsync(http.RequestAborted);
        var found = await EventView.LoadAsync(connection, "id = @id", [("@id", id.ToString())], 1, http.RequestAborted);
        return found.Count == 1 ? TypedResults.Ok(found[0]) : Problems.NotFound("No such event.");
    }
}
