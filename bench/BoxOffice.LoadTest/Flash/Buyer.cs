using BoxOffice.LoadTest.Api;
using BoxOffice.LoadTest.Hosts;

namespace BoxOffice.LoadTest.Flash;

/// <summary>One buyer of the sale: who, for which ticket type, with which card.</summary>
internal sealed record Buyer(string Token, Guid TicketTypeId, string PaymentToken)
{
    public const string Visa = "tok_visa";
    public const string Declined = "tok_chargeDeclined";
    public const string ThreeDSecure = "tok_threeDSecureRequired";
}

/// <summary>
/// What every buyer does: reserve (a 429 or a 503 with <c>Retry-After</c> is sent again after the
/// wait it names, with the same idempotency key, at most <c>--retries</c> times), then, once
/// accepted, poll the reservation until it is final, answering the one-time code when the payment
/// asks for one. In request-response the answer is the outcome; a buyer paying with a card that asks
/// for a code meanwhile looks for the challenge in its reservations list, as in a second browser tab.
/// </summary>
internal sealed class BuyerJourney(BoxOfficeApi api, FlashOptions options, FlashTally tally, TicketsMode mode, TimeSpan finalDeadline)
{
    public async Task RunAsync(Buyer buyer, CancellationToken ct)
    {
        tally.Arrive();
        var idempotencyKey = Guid.NewGuid().ToString("N");
        var firstRequest = tally.Clock.Elapsed;
        using var challenge = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var otpTab = mode == TicketsMode.RequestResponse && buyer.PaymentToken == Buyer.ThreeDSecure
            ? AnswerChallengeFromListAsync(buyer, challenge.Token)
            : Task.CompletedTask;
        Answer answer;
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var sent = tally.Clock.Elapsed;
                answer = await api.ReserveAsync(buyer.Token, buyer.TicketTypeId, options.Quantity, buyer.PaymentToken, idempotencyKey, options.Timeout, ct);
                var retry = attempt < options.Retries && answer.Kind is AnswerKind.RateLimited or AnswerKind.Overloaded;
                tally.Answer(answer, tally.Clock.Elapsed - sent, retry);
                if (!retry)
                {
                    break;
                }

                await Task.Delay(answer.RetryAfter is { } wait && wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1), ct);
            }
        }
        finally
        {
            await challenge.CancelAsync();
            await otpTab;
        }

        switch (answer)
        {
            case { Kind: AnswerKind.Final, Reservation: { } final }:
                tally.BecameFinal(final.Status, options.Quantity, tally.Clock.Elapsed - firstRequest);
                break;
            case { Kind: AnswerKind.Accepted, Reservation: { } pending }:
                await PollUntilFinalAsync(buyer, pending.Id, firstRequest, ct);
                break;
        }
    }

    private async Task PollUntilFinalAsync(Buyer buyer, Guid id, TimeSpan firstRequest, CancellationToken ct)
    {
        var answeredChallenge = false;
        while (tally.Clock.Elapsed < finalDeadline)
        {
            await Task.Delay(options.Poll, ct);
            var seen = await api.GetReservationAsync(buyer.Token, id, options.Timeout, ct);
            switch (seen)
            {
                case { Kind: AnswerKind.Final, Reservation: { } final }:
                    tally.BecameFinal(final.Status, options.Quantity, tally.Clock.Elapsed - firstRequest);
                    return;
                case { Kind: AnswerKind.Accepted, Reservation.ChallengeUrl: { } url } when !answeredChallenge:
                    answeredChallenge = true;
                    await Task.Delay(options.OtpThink, ct);
                    tally.OtpSent(await api.AnswerChallengeAsync(url, options.Timeout, ct));
                    break;
                case { Kind: AnswerKind.Accepted }:
                    break;
                default:
                    tally.PollFailed();
                    break;
            }
        }

        tally.StayedPending();
    }

    private async Task AnswerChallengeFromListAsync(Buyer buyer, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(options.Poll, ct);
                if (await api.FindChallengeAsync(buyer.Token, options.Timeout, ct) is { } url)
                {
                    await Task.Delay(options.OtpThink, ct);
                    tally.OtpSent(await api.AnswerChallengeAsync(url, options.Timeout, ct));
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The reserve request answered: the tab closes.
        }
    }
}
