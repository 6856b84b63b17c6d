using BoxOffice.Web.Api;
using Microsoft.AspNetCore.Mvc;

namespace BoxOffice.Web.Pages.Organizer;

/// <summary>Edit an event: its details, each ticket type's capacity, and a new ticket type.</summary>
internal sealed class EditEventModel(BoxOfficeApi api) : FormPage
{
    public EventInfo? Current { get; private set; }

    [BindProperty]
    public EventForm Event { get; set; } = new();

    [BindProperty]
    public TicketTypeForm NewType { get; set; } = new();

    public string? Saved { get; private set; }

    public Guid? CapacityErrorFor { get; private set; }

    public string? CapacityError { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, bool? created, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        Event = EventForm.From(Current!);
        Saved = created == true ? "The event is on sale." : null;
        return Page();
    }

    public async Task<IActionResult> OnPostDetailsAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        var local = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        var body = Event.ToBody(local);
        if (local.Count > 0)
        {
            Errors = local;
            Message = "Please correct the fields marked below.";
            return Page();
        }

        var updated = await api.UpdateEventAsync(id, body!, ct);
        if (!updated.Ok)
        {
            Show(updated.Problem!);
            return Page();
        }

        Current = updated.Value;
        Event = EventForm.From(Current!);
        Saved = "Details saved.";
        return Page();
    }

    public async Task<IActionResult> OnPostCapacityAsync(Guid id, Guid typeId, int? capacity, CancellationToken ct)
    {
        var changed = await api.ChangeCapacityAsync(id, typeId, capacity ?? 0, ct);
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        Event = EventForm.From(Current!);
        if (changed.Ok)
        {
            Saved = "Capacity saved.";
        }
        else
        {
            CapacityErrorFor = typeId;
            CapacityError = changed.Problem!.Errors.TryGetValue("capacity", out var messages) ? string.Join(" ", messages) : changed.Problem.Message;
            Message = CapacityError;
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAddTypeAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        Event = EventForm.From(Current!);
        var local = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        var body = NewType.ToBody("new.", local);
        if (local.Count > 0)
        {
            Errors = local;
            Message = "Please correct the fields marked below.";
            return Page();
        }

        var added = await api.AddTicketTypeAsync(id, body, ct);
        if (!added.Ok)
        {
            var problem = added.Problem!;
            Show(problem with { Errors = problem.Errors.ToDictionary(e => "new." + e.Key, e => e.Value, StringComparer.OrdinalIgnoreCase) });
            return Page();
        }

        await LoadAsync(id, ct);
        NewType = new TicketTypeForm();
        ModelState.Clear();
        Saved = $"Ticket type {added.Value!.Name} added.";
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var found = await api.EventAsync(id, ct);
        Current = found.Value;
        return found.Ok;
    }
}
