using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BoxOffice.LoadTest.Api;

/// <summary>What a reserve (or any) request came back with, in the categories a run counts.</summary>
internal enum AnswerKind
{
    /// <summary>202: held, Pending; the outcome follows.</summary>
    Accepted,

    /// <summary>200 (request-response): the final reservation.</summary>
    Final,

    /// <summary>409 <c>sold-out</c>.</summary>
    SoldOut,

    /// <summary>Any other 4xx but 429, by its problem type.</summary>
    Refused,

    /// <summary>429 (with <c>Retry-After</c>).</summary>
    RateLimited,

    /// <summary>503 with <c>Retry-After</c>: overloaded or unavailable, nothing done, try again.</summary>
    Overloaded,

    /// <summary>503 without <c>Retry-After</c>.</summary>
    UnavailableWithoutRetryAfter,

    /// <summary>504: the server gave up waiting (for the payment, in request-response).</summary>
    ServerTimeout,

    /// <summary>Any other 5xx.</summary>
    ServerError,

    /// <summary>No answer within the client's timeout.</summary>
    ClientTimeout,

    /// <summary>The connection failed or broke.</summary>
    ConnectionError,
}

/// <summary>A reservation as its buyer sees it (the fields a run looks at).</summary>
internal sealed record ReservationState(Guid Id, string Status, string? ChallengeUrl, string? FailureReason)
{
    public bool IsFinal => Status != "Pending";

    public static ReservationState From(JsonElement json) => new(
        json.GetProperty("id").GetGuid(),
        json.GetProperty("status").GetString() ?? "",
        json.TryGetProperty("challengeUrl", out var url) && url.ValueKind == JsonValueKind.String ? url.GetString() : null,
        json.TryGetProperty("failureReason", out var reason) && reason.ValueKind == JsonValueKind.String ? reason.GetString() : null);
}

internal sealed record Answer(AnswerKind Kind, int Status, string? ProblemType, TimeSpan? RetryAfter, ReservationState? Reservation)
{
    /// <summary>The problem type's name (<c>sold-out</c>, the last segment of its URI), else the status code.</summary>
    public string Label => ProblemType ?? (Status == 0 ? Kind.ToString() : Status.ToString(System.Globalization.CultureInfo.InvariantCulture));
}

internal sealed record InvariantResult(bool Checked, bool Holds, string Summary, IReadOnlyList<string> Broken);

/// <summary>BoxOffice's HTTP API, the calls a load run makes.</summary>
internal sealed class BoxOfficeApi(HttpClient http, Uri address)
{
    public const string OrganizerEmail = "organizer@boxoffice.local";

    public Uri Address => address;

    public async Task<string> LoginAsync(string email, string password, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync(new Uri(address, "/api/accounts/login"), new { email, password }, ct);
        await EnsureAsync(response, "sign in as " + email, ct);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return body.RootElement.GetProperty("accessToken").GetString()!;
    }

    /// <summary>Creates the sale's event, 30 days ahead, with <paramref name="capacities"/>.Count ticket types; their ids.</summary>
    public async Task<IReadOnlyList<Guid>> CreateEventAsync(string organizer, string name, IReadOnlyList<int> capacities, int maxPerOrder, CancellationToken ct)
    {
        var body = new
        {
            name,
            venue = "Load Arena",
            city = "Lisbon",
            category = "concert",
            performers = new[] { "Load" },
            startsAt = DateTimeOffset.UtcNow.AddDays(30).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            minimumAge = 0,
            description = "A flash sale driven by bench/BoxOffice.LoadTest.",
            ticketTypes = capacities.Select((capacity, i) => new
            {
                name = capacities.Count == 1 ? "GA" : $"Tier {i + 1}",
                price = 5000,
                currency = "EUR",
                capacity,
                maxPerOrder = Math.Min(maxPerOrder, capacity),
            }).ToArray(),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, "/api/events")) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", organizer);
        using var response = await http.SendAsync(request, ct);
        await EnsureAsync(response, "create the event", ct);
        using var created = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return [.. created.RootElement.GetProperty("ticketTypes").EnumerateArray().Select(t => t.GetProperty("id").GetGuid())];
    }

    public static HttpRequestMessage ReserveRequest(Uri url, string buyer, Guid ticketTypeId, int quantity, string paymentToken, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = JsonContent.Create(new { ticketTypeId, quantity, paymentToken }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", buyer);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return request;
    }

    public async Task<Answer> ReserveAsync(string buyer, Guid ticketTypeId, int quantity, string paymentToken, string? idempotencyKey, TimeSpan timeout, CancellationToken ct)
    {
        using var request = ReserveRequest(new Uri(address, "/api/reservations"), buyer, ticketTypeId, quantity, paymentToken, idempotencyKey);
        return await SendAsync(request, timeout, ct);
    }

    public async Task<Answer> GetReservationAsync(string buyer, Guid id, TimeSpan timeout, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(address, $"/api/reservations/{id}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", buyer);
        return await SendAsync(request, timeout, ct);
    }

    /// <summary>The buyer's newest reservation that asks for a one-time code, if any (what a second browser tab would show).</summary>
    public async Task<string?> FindChallengeAsync(string buyer, TimeSpan timeout, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(address, "/api/me/reservations"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", buyer);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attempt.CancelAfter(timeout);
        try
        {
            using var response = await http.SendAsync(request, attempt.Token);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            using var list = JsonDocument.Parse(await response.Content.ReadAsStringAsync(attempt.Token));
            return list.RootElement.EnumerateArray().Select(ReservationState.From).FirstOrDefault(r => r.ChallengeUrl is not null)?.ChallengeUrl;
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return null;
        }
    }

    /// <summary>Answers the simulator's one-time-code page as a buyer does (form post, code 123456); true when it took it.</summary>
    public async Task<bool> AnswerChallengeAsync(string challengeUrl, TimeSpan timeout, CancellationToken ct)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attempt.CancelAfter(timeout);
        try
        {
            using var form = new FormUrlEncodedContent([new KeyValuePair<string, string>("code", "123456")]);
            using var response = await http.PostAsync(new Uri(challengeUrl), form, attempt.Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return false;
        }
    }

    /// <summary>
    /// Waits until every consumer of every log has reached its head (the operators' subscriptions,
    /// each lag 0), at most <paramref name="patience"/>: the invariants agree only at quiescence.
    /// True when it got there.
    /// </summary>
    public async Task<bool> QuiescentAsync(string organizer, TimeSpan patience, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(address, "/api/admin/messaging/subscriptions"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", organizer);
            using var response = await http.SendAsync(request, ct);
            await EnsureAsync(response, "read the subscriptions", ct);
            var subscriptions = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!.AsArray();
            if (subscriptions.Count > 0 && subscriptions.All(s => (long)s!["lag"]! == 0))
            {
                return true;
            }

            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100, ct);
        }
    }

    public async Task<InvariantResult> InvariantsAsync(string organizer, int graceSeconds, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(address, $"/api/admin/invariants?graceSeconds={graceSeconds}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", organizer);
        using var response = await http.SendAsync(request, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return new InvariantResult(false, false, "not available here (404: the invariants endpoint is the embedded host's)", []);
        }

        await EnsureAsync(response, "check the invariants", ct);
        var report = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        var broken = report["invariants"]!.AsArray()
            .Where(i => !(bool)i!["holds"]!)
            .Select(i => $"{(string)i!["name"]!} ({i["offending"]?.AsArray().Count ?? 0} offending)")
            .ToList();
        var total = report["invariants"]!.AsArray().Count;
        var holds = (bool)report["holds"]!;
        return new InvariantResult(true, holds, holds ? $"all {total} hold" : $"{broken.Count} of {total} broken: {string.Join(", ", broken)}", broken);
    }

    /// <summary>Every upcoming event's ticket types: id → (available, capacity, event's minimum age).</summary>
    public async Task<IReadOnlyDictionary<Guid, (int Available, int Capacity, int MinimumAge)>> TicketTypesAsync(CancellationToken ct)
    {
        using var response = await http.GetAsync(new Uri(address, "/api/events"), ct);
        await EnsureAsync(response, "list the events", ct);
        using var events = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        var types = new Dictionary<Guid, (int, int, int)>();
        foreach (var e in events.RootElement.EnumerateArray())
        {
            var age = e.GetProperty("minimumAge").GetInt32();
            foreach (var t in e.GetProperty("ticketTypes").EnumerateArray())
            {
                types[t.GetProperty("id").GetGuid()] = (t.GetProperty("available").GetInt32(), t.GetProperty("capacity").GetInt32(), age);
            }
        }

        return types;
    }

    /// <summary>Sends one request under its own timeout and sorts the answer; never throws but for <paramref name="ct"/>.</summary>
    public async Task<Answer> SendAsync(HttpRequestMessage request, TimeSpan timeout, CancellationToken ct)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attempt.CancelAfter(timeout);
        try
        {
            using var response = await http.SendAsync(request, attempt.Token);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync(attempt.Token);
            var retryAfter = response.Headers.RetryAfter is { } after
                ? after.Delta ?? (after.Date is { } date ? date - DateTimeOffset.UtcNow : null)
                : (TimeSpan?)null;
            return status switch
            {
                202 or 200 when Reservation(text) is { } r => new Answer(r.IsFinal ? AnswerKind.Final : AnswerKind.Accepted, status, null, null, r),
                >= 200 and < 300 => new Answer(AnswerKind.Final, status, null, null, null),
                429 => new Answer(AnswerKind.RateLimited, status, ProblemName(text), retryAfter, null),
                503 => new Answer(retryAfter is null ? AnswerKind.UnavailableWithoutRetryAfter : AnswerKind.Overloaded, status, ProblemName(text), retryAfter, null),
                504 => new Answer(AnswerKind.ServerTimeout, status, ProblemName(text), null, null),
                >= 500 => new Answer(AnswerKind.ServerError, status, ProblemName(text), null, null),
                _ when ProblemName(text) == "sold-out" => new Answer(AnswerKind.SoldOut, status, "sold-out", null, null),
                _ => new Answer(AnswerKind.Refused, status, ProblemName(text), null, null),
            };
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new Answer(AnswerKind.ClientTimeout, 0, null, null, null);
        }
        catch (HttpRequestException)
        {
            return new Answer(AnswerKind.ConnectionError, 0, null, null, null);
        }
    }

    private static ReservationState? Reservation(string text)
    {
        try
        {
            using var json = JsonDocument.Parse(text);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("id", out _) && json.RootElement.TryGetProperty("status", out _)
                ? ReservationState.From(json.RootElement)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? ProblemName(string text)
    {
        try
        {
            using var json = JsonDocument.Parse(text);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("type", out var type) && type.GetString() is { } uri
                ? uri[(uri.LastIndexOf('/') + 1)..]
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            throw new InvalidOperationException($"Could not {what}: {(int)response.StatusCode} {body[..Math.Min(body.Length, 500)]}");
        }
    }
}
