using BoxOffice.Web.Api;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BoxOffice.Web.Pages.Organizer;

/// <summary>The organizer's start: upcoming events with links to edit them and watch their sales.</summary>
internal sealed class OrganizerIndexModel(BoxOfficeApi api) : PageModel
{
    public IReadOnlyList<EventInfo> Events { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Events = (await api.EventsAsync(null, null, ct)).Value ?? [];
}
