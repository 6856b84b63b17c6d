using System.Net;
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
    public async Task Five_wrong_passwords_lock_the_account_so_even_the_right_one_then_gets_429_with_Retry_After()
    {
        var email = AccountsFixture.NewEmail();
        await accounts.RegisterAsync(email);

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            using var wrong = await accounts.LoginAsync(email, "wrong-password-1");
            wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, $"attempt {attempt}");
        }

        // The fifth failure is the one that locks; it says so at once.
        using var fifth = await accounts.LoginAsync(email, "wrong-password-1");
        Problem.TypeOf(await Problem.ReadAsync(fifth, HttpStatusCode.TooManyRequests)).ShouldBe(Problem.TypeBase + "locked-out");

        using var sixth = await accounts.LoginAsync(email, AccountsFixture.Password);

        var problem = await Problem.ReadAsync(sixth, HttpStatusCode.TooManyRequests);
        Problem.TypeOf(problem).ShouldBe(Problem.TypeBase + "locked-out");
        var retryAfter = sixth.Headers.RetryAfter?.Delta ?? TimeSpan.Zero;
        retryAfter.ShouldBeInRange(TimeSpan.FromSeconds(290), TimeSpan.FromMinutes(5));
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
}
