using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BoxOffice.Accounts.Tests.Support;
using BoxOffice.Testing;
using Microsoft.Extensions.Time.Testing;

namespace BoxOffice.Accounts.Tests.SigningIn;

public sealed class SlowingDownGuessing
{
    private const string Wrong = "wrong-password-1";

    [Fact]
    public async Task Known_and_unknown_addresses_get_byte_identical_answers_failure_after_failure()
    {
        using var directory = new TempDirectory("accounts");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await AccountsHost.BuildAndStartAsync(directory.Path, time: time);
        var known = AccountsFixture.NewEmail("known");
        await RegisterAsync(host.Client, known);
        var unknown = AccountsFixture.NewEmail("unknown");

        // Past the free attempts and into the wait, with the clock standing still.
        for (var attempt = 1; attempt <= 7; attempt++)
        {
            var one = await AnswerAsync(host.Client, known, Wrong);
            var other = await AnswerAsync(host.Client, unknown, Wrong);

            other.ShouldBe(one, $"attempt {attempt}");
            one.Status.ShouldBe(attempt < 5 ? HttpStatusCode.Unauthorized : HttpStatusCode.TooManyRequests, $"attempt {attempt}");
        }

        // While it waits, even the right password gets that same answer: it tells nothing.
        (await AnswerAsync(host.Client, known, AccountsFixture.Password)).ShouldBe(await AnswerAsync(host.Client, unknown, AccountsFixture.Password));
    }

    [Fact]
    public async Task A_strangers_failures_from_one_address_do_not_stop_the_owner_logging_in_from_another()
    {
        using var directory = new TempDirectory("accounts");
        await using var host = await AccountsHost.BuildAndStartAsync(directory.Path);
        var email = AccountsFixture.NewEmail("owner");
        await RegisterAsync(host.Client, email);
        using var stranger = host.ClientFrom("127.0.0.2");
        using var owner = host.ClientFrom("127.0.0.3");

        for (var attempt = 1; attempt <= 20; attempt++)
        {
            using var guess = await LoginAsync(stranger, email, Wrong);
            guess.StatusCode.ShouldBeOneOf(HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests);
        }

        // The stranger's address waits, even with the right password…
        using (var blocked = await LoginAsync(stranger, email, AccountsFixture.Password))
        {
            blocked.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        }

        // …and the owner, from elsewhere, is not affected.
        using var login = await LoginAsync(owner, email, AccountsFixture.Password);
        login.StatusCode.ShouldBe(HttpStatusCode.OK, await login.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task The_wait_starts_at_a_minute_and_doubles_with_each_failure_after_it()
    {
        using var directory = new TempDirectory("accounts");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await AccountsHost.BuildAndStartAsync(directory.Path, time: time);
        var email = AccountsFixture.NewEmail("patient");
        await RegisterAsync(host.Client, email);

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            (await AnswerAsync(host.Client, email, Wrong)).Status.ShouldBe(HttpStatusCode.Unauthorized);
        }

        foreach (var seconds in new[] { 60, 120, 240, 480 })
        {
            var failed = await AnswerAsync(host.Client, email, Wrong);
            failed.Status.ShouldBe(HttpStatusCode.TooManyRequests);
            failed.RetryAfter.ShouldBe(seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));

            // A second before the end, still waiting (the right password too); then free for one try.
            time.Advance(TimeSpan.FromSeconds(seconds - 1));
            var early = await AnswerAsync(host.Client, email, AccountsFixture.Password);
            early.Status.ShouldBe(HttpStatusCode.TooManyRequests);
            early.RetryAfter.ShouldBe("1");
            time.Advance(TimeSpan.FromSeconds(1));
        }

        // Once the wait is over, the right password works and forgives the failures.
        (await AnswerAsync(host.Client, email, AccountsFixture.Password)).Status.ShouldBe(HttpStatusCode.OK);
        (await AnswerAsync(host.Client, email, Wrong)).Status.ShouldBe(HttpStatusCode.Unauthorized);
    }

    private static async Task RegisterAsync(HttpClient client, string email)
    {
        using var response = await client.PostAsJsonAsync("/api/accounts/register",
            new { email, password = AccountsFixture.Password, displayName = "Owner", birthDate = "1990-01-01" }, TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    private static Task<HttpResponseMessage> LoginAsync(HttpClient client, string email, string password) =>
        client.PostAsJsonAsync("/api/accounts/login", new { email, password }, TestContext.Current.CancellationToken);

    /// <summary>What a caller sees of a login answer, but for the per-request trace id.</summary>
    private static async Task<Answer> AnswerAsync(HttpClient client, string email, string password)
    {
        using var response = await LoginAsync(client, email, password);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        if (response.StatusCode != HttpStatusCode.OK && JsonNode.Parse(body) is JsonObject problem && problem.Remove("traceId"))
        {
            body = problem.ToJsonString();
        }

        return new Answer(response.StatusCode, response.Headers.RetryAfter?.ToString(), response.Content.Headers.ContentType?.ToString(), body);
    }

    private sealed record Answer(HttpStatusCode Status, string? RetryAfter, string? ContentType, string Body);
}
