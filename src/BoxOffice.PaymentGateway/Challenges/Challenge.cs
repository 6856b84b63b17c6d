using System.Globalization;
using System.Net;
using BoxOffice.PaymentGateway.Ledger;
using BoxOffice.PaymentGateway.PaymentIntents;
using BoxOffice.PaymentGateway.Storage;
using BoxOffice.PaymentGateway.Webhooks;

namespace BoxOffice.PaymentGateway.Challenges;

/// <summary>
/// The 3-D Secure challenge a customer answers in the browser: <c>123456</c> authenticates the
/// payment, "cancel" fails it. Either outcome is reported to the merchant by webhook. An intent
/// the merchant cancelled meanwhile (its hold ended) can no longer be paid here.
/// </summary>
internal static class Challenge
{
    public const string Code = "123456";

    public static void MapChallenge(this IEndpointRouteBuilder app)
    {
        app.MapGet("/challenge/{id}", ShowAsync);
        // A simulator's page posted by a test browser: no antiforgery token to carry.
        app.MapPost("/challenge/{id}", AnswerAsync).DisableAntiforgery();
    }

    private static async Task<IResult> ShowAsync(string id, GatewayDatabase db, CancellationToken ct) =>
        await Intents.FindAsync(db, id, ct) switch
        {
            null => Page(StatusCodes.Status404NotFound, "Payment not found", $"<p>There is no payment <code>{Html(id)}</code>.</p>"),
            { Status: IntentStatus.RequiresAction } intent => Form(StatusCodes.Status200OK, intent, error: null),
            var intent => Closed(StatusCodes.Status200OK, intent),
        };

    private static async Task<IResult> AnswerAsync(
        string id, HttpRequest request, GatewayDatabase db, WebhookOutbox webhooks, TimeProvider time, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var cancel = form["action"] == "cancel";
        var code = form["code"].ToString().Trim();

        await using var tx = await db.BeginAsync(ct);
        var intent = await Intents.FindAsync(tx, id, ct);
        if (intent is null)
        {
            return Page(StatusCodes.Status404NotFound, "Payment not found", $"<p>There is no payment <code>{Html(id)}</code>.</p>");
        }

        // Checked in the write transaction: a cancel of the intent and an answer here cannot both pass.
        if (intent.Status != IntentStatus.RequiresAction)
        {
            return Closed(StatusCodes.Status400BadRequest, intent);
        }

        if (!cancel && code != Code)
        {
            return Form(StatusCodes.Status400BadRequest, intent, error: "That code is not right. Try again.");
        }

        var now = time.GetUtcNow();
        var done = cancel
            ? intent with { Status = IntentStatus.Failed, DeclineReason = "authentication_canceled" }
            : intent with { Status = IntentStatus.Succeeded };
        await Intents.UpdateStatusAsync(tx, id, done.Status, done.DeclineReason, now, ct);
        if (!cancel)
        {
            await LedgerEntries.RecordAsync(tx, LedgerEntries.Charge, Ids.New("ch"), done, done.Amount, now, ct);
        }

        await webhooks.EnqueueAsync(tx, cancel ? WebhookTypes.PaymentFailed : WebhookTypes.PaymentSucceeded, done, ct);
        await tx.CommitAsync(ct);
        webhooks.Notify();
        return cancel
            ? Page(StatusCodes.Status200OK, "Payment cancelled", "<p>You cancelled the payment. No money was taken. You can close this page.</p>")
            : Page(StatusCodes.Status200OK, "Payment confirmed", $"<p>You paid {Html(Money(done))}. You can close this page.</p>");
    }

    /// <summary>The page for an intent that can no longer be confirmed.</summary>
    private static IResult Closed(int statusCode, PaymentIntent intent) => intent.Status == IntentStatus.Canceled
        ? Page(statusCode, "Payment cancelled", "<p>The shop cancelled this payment before it was confirmed. No money was taken. You can close this page.</p>")
        : Page(statusCode, "Nothing to confirm", $"<p>This payment has already {Html(intent.Status)}.</p>");

    private static IResult Form(int statusCode, PaymentIntent intent, string? error) => Page(statusCode, "Confirm your payment", $"""
        <p>Your bank asks you to confirm a payment of <strong>{Html(Money(intent))}</strong>.</p>
        <p class="hint">Simulator: the code is {Code}.</p>
        {(error is null ? "" : $"<p class=\"error\" role=\"alert\">{Html(error)}</p>")}
        <form method="post">
          <label for="code">Code from your banking app</label>
          <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" autofocus>
          <div class="actions">
            <button type="submit">Confirm</button>
            <button type="submit" name="action" value="cancel" class="secondary">Cancel payment</button>
          </div>
        </form>
        """);

    private static IResult Page(int statusCode, string title, string body) => Results.Content($$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>{{Html(title)}} · Payment gateway</title>
          <style>
            body { font-family: system-ui, sans-serif; background: #f4f5f7; color: #1f2328; margin: 0; }
            main { max-width: 24rem; margin: 4rem auto; background: #fff; padding: 2rem; border-radius: .75rem; box-shadow: 0 1px 4px rgb(0 0 0 / .12); }
            h1 { font-size: 1.25rem; margin-top: 0; }
            label { display: block; margin: 1rem 0 .25rem; font-weight: 600; }
            input { width: 100%; box-sizing: border-box; padding: .6rem; font-size: 1.25rem; letter-spacing: .3em; border: 1px solid #c9ced6; border-radius: .4rem; }
            .actions { display: flex; gap: .5rem; margin-top: 1rem; }
            button { flex: 1; padding: .6rem; font-size: 1rem; border: 0; border-radius: .4rem; background: #635bff; color: #fff; cursor: pointer; }
            button.secondary { background: #e6e8eb; color: #1f2328; }
            .hint { color: #59636e; font-size: .875rem; }
            .error { color: #b42318; }
          </style>
        </head>
        <body>
          <main>
            <h1>{{Html(title)}}</h1>
            {{body}}
          </main>
        </body>
        </html>
        """, "text/html; charset=utf-8", statusCode: statusCode);

    // Amounts are in minor units; two decimals is right for the currencies a demo uses.
    private static string Money(PaymentIntent intent) =>
        string.Create(CultureInfo.InvariantCulture, $"{intent.Amount / 100m:0.00} {intent.Currency.ToUpperInvariant()}");

    private static string Html(string text) => WebUtility.HtmlEncode(text);
}
