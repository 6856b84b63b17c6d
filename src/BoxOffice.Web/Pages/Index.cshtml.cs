using BoxOffice.Web.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BoxOffice.Web.Pages;

/// <summary>The catalog: upcoming events with live availability, by name, city and category.</summary>
internal sealed class IndexModel(BoxOfficeApi api) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? City { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Category { get; set; }

    public IReadOnlyList<EventInfo> Events { get; private set; } = [];

    public IReadOnlyList<string> Cities { get; private set; } = [];

    public IReadOnlyList<string> Categories { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        // The API filters by city and category; the name search is the page's (the list is at most 200).
        var all = (await api.EventsAsync(null, null, ct)).Value ?? [];
        Cities = [.. all.Select(e => e.City).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase)];
        Categories = [.. all.Select(e => e.Category).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase)];
        var filtered = string.IsNullOrWhiteSpace(City) && string.IsNullOrWhiteSpace(Category) ? all : (await api.EventsAsync(City, Category, ct)).Value ?? [];
        Events = string.IsNullOrWhiteSpace(Q)
            ? filtered
            : [.. filtered.Where(e => e.Name.Contains(Q.Trim(), StringComparison.OrdinalIgnoreCase)
                || e.Performers.Any(p => p.Contains(Q.Trim(), StringComparison.OrdinalIgnoreCase)))];
    }
}
