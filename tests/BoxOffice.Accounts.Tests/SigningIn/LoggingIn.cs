using System.Net;
using System.Net.Http.Json;
using BoxOffice.Accounts.Tests.Support;

namespace BoxOffice.Accounts.Tests.SigningIn;

public sealed class LoggingIn(AccountsFixture accounts) : IClassFixture<AccountsFixture>
{
    [Fact]
    public async Task A_wrong_password_is_refused_as_invalid_credentials()
    {
        var email = AccountsFixture.NewEmail();
        await accounts.RegisterAsync(email);

        using var response = await accounts.LoginAsync(email, "wrong-password-1");

        var problem = await Problem.ReadAsync(response, HttpStatusCode.Unauthorized);
        Problem.TypeOf(problem).ShouldBe(Problem.TypeBase + "invalid-credentials");
    }

    [Fact]
    public async Task An_unknown_address_gets_the_same_answer_as_a_wrong_password()
    {
        var email = AccountsFixture.NewEmail();
        await accounts.RegisterAsync(email);

        using var wrongPassword = await accounts.LoginAsync(email, "wrong-password-1");
        using var unknownAddress = await accounts.LoginAsync(AccountsFixture.NewEmail(), AccountsFixture.Password);

        var one = await Problem.ReadAsync(wrongPassword, HttpStatusCode.Unauthorized);
        var other = await Problem.ReadAsync(unknownAddress, HttpStatusCode.Unauthorized);
        foreach (var member in new[] { "type", "title", "detail", "status" })
        {
            other.GetProperty(member).ToString().ShouldBe(one.GetProperty(member).ToString());
        }
    }

    [Fact]
    public async Task A_successful_login_forgives_the_failures_before_it()
    {
        var email = AccountsFixture.NewEmail();
        await accounts.RegisterAsync(email);

        for (var round = 0; round < 2; round++)
        {
            for (var attempt = 1; attempt <= 4; attempt++)
            {
                using var wrong = await accounts.LoginAsync(email, "wrong-password-1");
                wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            }

            (await accounts.TokenAsync(email)).ShouldNotBeNullOrEmpty();
        }
    }

    [Fact]
    public async Task A_login_without_an_address_or_password_is_refused_as_invalid()
    {
        using var response = await accounts.LoginAsync("", "");

        var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        Problem.TypeOf(problem).ShouldBe(Problem.TypeBase + "invalid-request");
        problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ShouldBe(["email", "password"], ignoreOrder: true);
    }

    [Fact]
    public async Task A_password_longer_than_128_characters_is_refused_as_invalid_without_being_checked()
    {
        var email = AccountsFixture.NewEmail();
        await accounts.RegisterAsync(email);

        using var response = await accounts.LoginAsync(email, new string('p', 129) + "1");

        var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        Problem.TypeOf(problem).ShouldBe(Problem.TypeBase + "invalid-request");
        problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ShouldBe(["password"]);
    }

    [Fact]
    public async Task A_login_with_an_unknown_property_is_refused_as_invalid()
    {
        var email = AccountsFixture.NewEmail();
        await accounts.RegisterAsync(email);

        using var response = await accounts.Client.PostAsJsonAsync("/api/accounts/login",
            new { email, password = AccountsFixture.Password, rememberMe = true }, TestContext.Current.CancellationToken);

        var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        Problem.TypeOf(problem).ShouldBe(Problem.TypeBase + "invalid-request");
        problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ShouldBe(["rememberMe"]);
    }

    [Theory]
    [InlineData("text/plain", "email=a@example.org&password=x")]
    [InlineData("application/json", "{\"email\": ")]
    [InlineData("application/json", "[]")]
    public async Task A_login_body_that_is_not_a_JSON_object_is_refused_as_invalid(string contentType, string body)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, contentType);
        using var response = await accounts.Client.PostAsync(new Uri("/api/accounts/login", UriKind.Relative), content, TestContext.Current.CancellationToken);

        Problem.TypeOf(await Problem.ReadAsync(response, HttpStatusCode.BadRequest)).ShouldBe(Problem.TypeBase + "invalid-request");
    }

    [Fact]
    public async Task A_login_body_over_the_size_limit_is_refused_as_invalid()
    {
        using var response = await accounts.Client.PostAsJsonAsync("/api/accounts/login",
            new { email = AccountsFixture.NewEmail(), password = new string('x', 10_000) }, TestContext.Current.CancellationToken);

        Problem.TypeOf(await Problem.ReadAsync(response, HttpStatusCode.BadRequest)).ShouldBe(Problem.TypeBase + "invalid-request");
    }
}
