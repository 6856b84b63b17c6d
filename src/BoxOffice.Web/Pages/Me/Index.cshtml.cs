using BoxOffice.Web.Api;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BoxOffice.Web.Pages.Me;

/// <summary>Loyalty points with their history, and recommendations ("Because you bought …").</summary>
internal sealed class MeModel(BoxOfficeApi api) : PageModel
{
    public Loyalty? Loyalty { get; private set; }

    public IReadOnlyList<Recommendation> Recommendations { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        // Loyalty may be switched off (Loyalty:Enabled=false): the page says so rather than failing.
        Loyalty = (await api.LoyaltyAsync(ct)).Value;
        Recommendations = (await api.RecommendationsAsync(ct)).Value ?? [];
    }
}
