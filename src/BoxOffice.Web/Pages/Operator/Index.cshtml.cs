using BoxOffice.Web.Api;
using BoxOffice.Web.Operating;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BoxOffice.Web.Pages.Operator;

/// <summary>
/// The operators' page over the admin API: every consumer's position, lag and rate; its dead letters
/// with their error text, redrive one or all; replay from the start after a confirmation; failed mails
/// with retry. Actions post, then come back here with what happened (post-redirect-get).
/// </summary>
internal sealed class OperatorModel(BoxOfficeApi api, ConsumerRates rates) : PageModel
{
    /// <summary>The consumers that derive their state from the logs and may be replayed (README, "Replay").</summary>
    public static readonly IReadOnlySet<string> Replayable = new HashSet<string>(StringComparer.Ordinal) { "notifications", "recommendations", "loyalty" };

    public IReadOnlyList<Subscription> Subscriptions { get; private set; } = [];

    public IReadOnlyList<string> Consumers { get; private set; } = [];

    public Dictionary<(string, string), double?> Rates { get; } = [];

    public Dictionary<string, List<DeadLetter>> DeadLetters { get; } = [];

    public IReadOnlyList<FailedMail> FailedMails { get; private set; } = [];

    [TempData]
    public string? Done { get; set; }

    [TempData]
    public string? Failed { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Confirm { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Subscriptions = (await api.SubscriptionsAsync(ct)).Value ?? [];
        Consumers = [.. Subscriptions.Select(s => s.Consumer).Distinct(StringComparer.Ordinal)];
        if (Confirm is not null && !Replayable.Contains(Confirm))
        {
            Confirm = null;
        }

        foreach (var s in Subscriptions)
        {
            Rates[(s.Consumer, s.Source)] = rates.Sample(s);
        }

        foreach (var consumer in Consumers)
        {
            DeadLetters[consumer] = (await api.DeadLettersAsync(consumer, ct)).Value ?? [];
        }

        FailedMails = (await api.FailedMailsAsync(ct)).Value ?? [];
    }

    public async Task<IActionResult> OnPostRedriveAsync(string consumer, long id, CancellationToken ct)
    {
        var result = await api.RedriveAsync(consumer, id, ct);
        Tell(result.Ok, $"Dead letter {id} of {consumer} was applied.", result.Problem);
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRedriveAllAsync(string consumer, CancellationToken ct)
    {
        var letters = (await api.DeadLettersAsync(consumer, ct)).Value ?? [];
        var failed = new List<long>();
        foreach (var letter in letters)
        {
            if (!(await api.RedriveAsync(consumer, letter.Id, ct)).Ok)
            {
                failed.Add(letter.Id);
            }
        }

        Done = $"{letters.Count - failed.Count} of {letters.Count} dead letters of {consumer} were applied.";
        Failed = failed.Count == 0 ? null : $"Still dead (their new error is below): {string.Join(", ", failed)}.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostReplayAsync(string consumer, CancellationToken ct)
    {
        if (!Replayable.Contains(consumer))
        {
            Failed = $"{consumer} is not replayed from here: it acts on events rather than deriving state from them.";
            return RedirectToPage();
        }

        var result = await api.ReplayFromStartAsync(consumer, ct);
        Tell(result.Ok, $"{consumer} was reset and is replaying from the start of the logs.", result.Problem);
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRetryMailAsync(long id, CancellationToken ct)
    {
        var result = await api.RetryMailAsync(id, ct);
        Tell(result.Ok, "The mail is queued to be sent again.", result.Problem);
        return RedirectToPage();
    }

    private void Tell(bool ok, string done, ApiProblem? problem)
    {
        if (ok)
        {
            Done = done;
        }
        else
        {
            Failed = problem?.Message;
        }
    }
}
