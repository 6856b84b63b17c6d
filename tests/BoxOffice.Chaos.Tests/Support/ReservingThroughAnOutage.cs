using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BoxOffice.Testing;

namespace BoxOffice.Chaos.Tests.Support;

/// <summary>
/// Buyers who keep reserving while a server is down: a third before the outage, a third spread over
/// it, a third after it. Each asks with an Idempotency-Key and asks again with the same key after
/// a 503 or a cut connection, as a client should; every answer is recorded, with when it came.
/// </summary>
internal sealed class ReservingThroughAnOutage
{
    private readonly ConcurrentQueue<Answer> _answers = new();
    private readonly ConcurrentDictionary<int, Guid> _accepted = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _down = TimeSpan.MaxValue;
    private TimeSpan _up = TimeSpan.MaxValue;
    private int _unanswered;

    /// <summary>An answer one request got: its status, whether its body was problem details, and whether it came while the server was down.</summary>
    public sealed record Answer(int Buyer, HttpStatusCode Status, bool Problem, string Body, bool DuringOutage);

    public IReadOnlyList<Answer> Answers => [.. _answers];

    /// <summary>Each buyer's accepted reservation.</summary>
    public IReadOnlyDictionary<int, Guid> Accepted => _accepted;

    /// <summary>The requests that got no answer (the connection cut or timed out) and were asked again.</summary>
    public int Unanswered => _unanswered;

    /// <summary>
    /// Runs the buyers around <paramref name="stop"/> … <paramref name="start"/>, the server down for
    /// <paramref name="outage"/>, and returns once every buyer has an answer other than a 503.
    /// </summary>
    public async Task RunAsync(IReadOnlyList<HttpClient> buyers, Guid type, Func<Task> stop, Func<Task> start, TimeSpan outage)
    {
        var ct = TestContext.Current.CancellationToken;
        var third = buyers.Count / 3;
        var requests = Enumerable.Range(0, third).Select(i => ReserveAsync(buyers[i], i, type)).ToList();
        await Eventually.HoldsAsync(() => _accepted.Count, n => n >= 1, "the first acceptance before the outage", TimeSpan.FromSeconds(60));
        await stop();
        _down = _clock.Elapsed;
        // The outage's length is the fault itself: the buyers of the middle third arrive spread over it.
        for (var i = third; i < 2 * third; i++)
        {
            requests.Add(ReserveAsync(buyers[i], i, type));
            await Task.Delay(outage / third, ct);
        }

        var remaining = outage - (_clock.Elapsed - _down);
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining, ct);
        }

        _up = _clock.Elapsed;
        await start();
        for (var i = 2 * third; i < buyers.Count; i++)
        {
            requests.Add(ReserveAsync(buyers[i], i, type));
        }

        await Task.WhenAll(requests).WaitAsync(TimeSpan.FromSeconds(180), ct);
    }

    /// <summary>A line for the test's output: answers by status, during the outage and in all.</summary>
    public string Summary()
    {
        var answers = Answers;
        string ByStatus(IEnumerable<Answer> some) =>
            string.Join(", ", some.GroupBy(a => (int)a.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"));
        return $"{_accepted.Count} accepted; answers while it was down or in the 5 s after {ByStatus(answers.Where(a => a.DuringOutage))}; in all {ByStatus(answers)}; {Unanswered} cut or timed out";
    }

    private async Task ReserveAsync(HttpClient buyer, int index, Guid type)
    {
        var ct = TestContext.Current.CancellationToken;
        var key = $"outage-{index}-{Guid.NewGuid():N}";
        while (true)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/reservations")
                {
                    Content = JsonContent.Create(new { ticketTypeId = type, quantity = 1, paymentToken = "tok_visa" }),
                };
                request.Headers.Add("Idempotency-Key", key);
                using var response = await buyer.SendAsync(request, ct);
                var body = await response.Content.ReadAsStringAsync(ct);
                var now = _clock.Elapsed;
                var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json";
                // Answered while down, or within a few seconds after: the processes find out the server is back by trying.
                _answers.Enqueue(new Answer(index, response.StatusCode, problem, body, now >= _down && (_up == TimeSpan.MaxValue || now <= _up + TimeSpan.FromSeconds(5))));
                if (response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK)
                {
                    _accepted[index] = JsonNode.Parse(body)!["id"]!.GetValue<Guid>();
                    return;
                }

                if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref _unanswered);
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                Interlocked.Increment(ref _unanswered);
            }

            await Task.Delay(200, ct);
        }
    }
}
