using Microsoft.AspNetCore.Mvc;
using BoxOffice.Web.Api;

namespace BoxOffice.Web.Pages.Organizer;

/// <summary>Create an event with up to three ticket types (more can be added when editing it).</summary>
internal sealed class CreateEventModel(BoxOfficeApi api) : FormPage
{
    [BindProperty]
    public EventForm Event { get; set; } = new();

    [BindProperty]
    public List<TicketTypeForm> Types { get; set; } = [];

    public void OnGet()
    {
        Event = new EventForm { MinimumAge = 0 };
        Types = [new TicketTypeForm { Name = "General", MaxPerOrder = 6 }, new TicketTypeForm(), new TicketTypeForm()];
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        while (Types.Count < 3)
        {
            Types.Add(new TicketTypeForm());
        }

        var local = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        var details = Event.ToBody(local);
        // Blank optional rows are left out; the API numbers the rest, so their errors are mapped back.
        var filled = Types.Select((t, i) => (Type: t, Row: i)).Where(x => x.Row == 0 || !x.Type.IsBlank).ToList();
        var bodies = filled.Select(x => x.Type.ToBody($"ticketTypes[{x.Row}].", local)).ToList();
        if (local.Count > 0)
        {
            Errors = local;
            Message = "Please correct the fields marked below.";
            return Page();
        }

        var body = Merge(details!, bodies);
        var created = await api.CreateEventAsync(body, ct);
        if (created.Ok)
        {
            return Redirect($"/organizer/events/{created.Value!.Id}/edit?created=true");
        }

        var problem = created.Problem!;
        var remapped = problem.Errors.ToDictionary(
            e => RowOf(e.Key, filled.Select(x => x.Row).ToList()), e => e.Value, StringComparer.OrdinalIgnoreCase);
        Show(problem with { Errors = remapped });
        return Page();
    }

    private static Dictionary<string, object?> Merge(object details, List<object> types)
    {
        var body = System.Text.Json.JsonSerializer.SerializeToNode(details, BoxOfficeApi.Json)!.AsObject()
            .ToDictionary(p => p.Key, p => (object?)p.Value?.DeepClone());
        body["ticketTypes"] = types;
        return body;
    }

    /// <summary><c>ticketTypes[1].price</c> of the API is the form's row that was sent second.</summary>
    private static string RowOf(string key, List<int> rows)
    {
        const string prefix = "ticketTypes[";
        var close = key.IndexOf(']', StringComparison.Ordinal);
        if (!key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || close < 0
            || !int.TryParse(key.AsSpan(prefix.Length, close - prefix.Length), out var sent) || sent >= rows.Count)
        {
            return key;
        }

        return $"ticketTypes[{rows[sent]}]{key[(close + 1)..]}";
    }
}
