using System.Net;
using System.Net.Http.Json;
using BoxOffice.Host.Tests.Support;

namespace BoxOffice.Host.Tests.Trusting;

/// <summary>Every answer carries the usual security headers and says nothing about the server.</summary>
public sealed class AnsweringSafely(HostFixture fixture) : IClassFixture<HostFixture>
{
    [Fact]
    public async Task Answers_carry_the_security_headers_and_no_Server_header()
    {
        using var anonymous = fixture.App.Client();

        foreach (var path in new[] { "/api/events", "/api/me/reservations", "/health/ready", "/no/such/path" })
        {
            var response = await anonymous.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

            response.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"], path);
            response.Headers.GetValues("Referrer-Policy").ShouldBe(["no-referrer"], path);
            response.Headers.GetValues("X-Frame-Options").ShouldBe(["DENY"], path);
            response.Headers.Contains("Server").ShouldBeFalse(path);
        }
    }

    [Fact]
    public async Task A_token_answer_is_never_stored_by_a_cache()
    {
        using var anonymous = fixture.App.Client();
        var email = $"cache-{Guid.NewGuid():N}@example.test";
        (await anonymous.PostAsJsonAsync("/api/accounts/register",
            new { email, password = "Cache-pass-12", displayName = "Cache", birthDate = "1990-01-01" }, TestContext.Current.CancellationToken))
            .StatusCode.ShouldBe(HttpStatusCode.Created);

        var login = await anonymous.PostAsJsonAsync("/api/accounts/login", new { email, password = "Cache-pass-12" }, TestContext.Current.CancellationToken);

        login.StatusCode.ShouldBe(HttpStatusCode.OK);
        login.Headers.CacheControl.ShouldNotBeNull();
        login.Headers.CacheControl.NoStore.ShouldBeTrue();
    }
}
