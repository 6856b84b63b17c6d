using System.Globalization;
using BoxOffice.Web.Api;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BoxOffice.Web.Pages.Organizer;

/// <summary>An event's details as the organizer types them (the date in UTC, performers comma-separated).</summary>
internal sealed class EventForm
{
    public string? Name { get; set; }

    public string? Venue { get; set; }

    public string? City { get; set; }

    public string? Category { get; set; }

    public string? Performers { get; set; }

    public string? StartsAt { get; set; }

    public int? MinimumAge { get; set; }

    public string? Description { get; set; }

    public static EventForm From(EventInfo e) => new()
    {
        Name = e.Name,
        Venue = e.Venue,
        City = e.City,
        Category = e.Category,
        Performers = string.Join(", ", e.Performers),
        StartsAt = e.StartsAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture),
        MinimumAge = e.MinimumAge,
        Description = e.Description,
    };

    /// <summary>The API's body, or null with the fields the page itself could not read.</summary>
    public object? ToBody(Dictionary<string, string[]> errors)
    {
        DateTimeOffset? startsAt = null;
        if (DateTime.TryParseExact(StartsAt, ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"], CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            startsAt = new DateTimeOffset(parsed, TimeSpan.Zero);
        }
        else
        {
            errors["startsAt"] = ["Enter the date and time the event starts (UTC)."];
        }

        return new
        {
            name = Name,
            venue = Venue,
            city = City,
            category = Category,
            performers = (Performers ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            startsAt,
            minimumAge = MinimumAge ?? 0,
            description = Description ?? "",
        };
    }
}

/// <summary>A ticket type as typed: the price in the currency's units (45.00), not the API's cents.</summary>
internal sealed class TicketTypeForm
{
    public string? Name { get; set; }

    public string? Price { get; set; }

    public string? Currency { get; set; } = "EUR";

    public int? Capacity { get; set; }

    public int? MaxPerOrder { get; set; }

    public bool IsBlank => string.IsNullOrWhiteSpace(Name) && string.IsNullOrWhiteSpace(Price) && Capacity is null && MaxPerOrder is null;

    public object ToBody(string at, Dictionary<string, string[]> errors)
    {
        long? price = null;
        if (decimal.TryParse(Price, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var units) && decimal.Round(units, 2) == units)
        {
            price = (long)(units * 100);
        }
        else
        {
            errors[at + "price"] = ["Enter the price with at most two decimals, for example 45.00."];
        }

        return new { name = Name, price, currency = Currency?.Trim().ToUpperInvariant(), capacity = Capacity, maxPerOrder = MaxPerOrder };
    }
}

/// <summary>A page whose form shows the API's validation errors next to their fields.</summary>
internal abstract class FormPage : PageModel
{
    public Dictionary<string, string[]> Errors { get; protected set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A general message above the form.</summary>
    public string? Message { get; protected set; }

    public string? Error(string field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    public string Invalid(string field) => Errors.ContainsKey(field) ? "true" : "false";

    /// <summary>The page's own errors and the API's, together (the API's win for the same field).</summary>
    protected void Show(ApiProblem problem)
    {
        foreach (var (field, messages) in problem.Errors)
        {
            Errors[field] = messages;
        }

        Message = problem.Errors.Count > 0 ? "Please correct the fields marked below." : problem.Message;
    }
}

/// <summary>What the event fields partial draws: the page (for its errors), the values and the form names' prefix.</summary>
internal sealed record EventFields(FormPage Page, EventForm Form, string Prefix);

/// <summary>What the ticket type fields partial draws; <paramref name="ErrorPrefix"/> is the API's key prefix (<c>ticketTypes[0].</c>).</summary>
internal sealed record TicketTypeFields(FormPage Page, TicketTypeForm Form, string Prefix, string ErrorPrefix, string Legend);
