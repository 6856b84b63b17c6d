using System.Text.Json;
using System.Threading.Channels;
using BoxOffice.PaymentGateway.PaymentIntents;
using BoxOffice.PaymentGateway.Simulation;
using BoxOffice.PaymentGateway.Storage;

namespace BoxOffice.PaymentGateway.Webhooks;

internal static class WebhookTypes
{
    public const string PaymentSucceeded = "payment_intent.succeeded";
    public const string PaymentFailed = "payment_intent.payment_failed";
    public const string PaymentCanceled = "payment_intent.canceled";
}

internal sealed record WebhookEvent(string Id, string Type, WebhookData Data);

internal sealed record WebhookData(string Id, string Status, long Amount, string Currency, SortedDictionary<string, JsonElement> Metadata);

/// <summary>
/// Webhooks are written in the same transaction as the change they report, then sent by
/// <see cref="WebhookSender"/>: a committed change is never left unreported, even after a crash.
/// Each is first due after the simulated delay (<see cref="GatewayOptions.WebhookDelayMaxMs"/>, none by default).
/// </summary>
internal sealed class WebhookOutbox(SimulatedConditions conditions, TimeProvider time)
{
    // One pending wake-up is enough: the sender reads every due webhook when it wakes.
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public Task EnqueueAsync(GatewayTransaction tx, string type, PaymentIntent intent, CancellationToken ct)
    {
        var webhook = new WebhookEvent(Ids.New("evt"), type, new WebhookData(intent.Id, intent.Status, intent.Amount, intent.Currency, intent.Metadata));
        return tx.ExecuteAsync(
            "INSERT INTO webhooks (id, body, next_attempt_at) VALUES (@id, @body, @due)",
            ct,
            ("@id", webhook.Id), ("@body", JsonSerializer.Serialize(webhook, ApiResponse.Json)), ("@due", (time.GetUtcNow() + conditions.NextWebhookDelay()).ToUnixTimeMilliseconds()));
    }

    /// <summary>Call after the commit, so that the sender finds what it is woken for.</summary>
    public void Notify() => _wake.Writer.TryWrite(true);

    /// <summary>Waits for <see cref="Notify"/>, the timeout or the cancellation, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var timer = new CancellationTokenSource(timeout, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
        try
        {
            await _wake.Reader.ReadAsync(either.Token);
        }
        catch (OperationCanceledException)
        {
            // Timed out (time to look for due retries) or stopping (the caller's loop ends).
        }
    }
}
