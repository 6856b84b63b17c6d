using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BoxOffice.Accounts.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;

namespace BoxOffice.Accounts.Tests.Registration;

public sealed class Registering(AccountsFixture accounts) : IClassFixture<AccountsFixture>
{
    [Fact]
    public async Task Registering_creates_a_buyer_who_can_then_log_in_with_a_token_that_says_who_they_are()
    {
        var email = AccountsFixture.NewEmail("dana");

        using var response = await accounts.RegisterAsync(new { email, password = AccountsFixture.Password, displayName = "Dana Buyer", birthDate = "1992-03-04" });

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        response.Headers.Location!.OriginalString.ShouldBe("/api/me");
        var profile = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var id = profile.GetProperty("id").GetGuid();
        id.ShouldNotBe(Guid.Empty);
        profile.GetProperty("email").GetString().ShouldBe(email);
        profile.GetProperty("displayName").GetString().ShouldBe("Dana Buyer");
        profile.GetProperty("birthDate").GetString().ShouldBe("1992-03-04");
        profile.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ShouldBe(["buyer"]);

        using var login = await accounts.LoginAsync(email, AccountsFixture.Password);
        login.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await login.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        body.GetProperty("tokenType").GetString().ShouldBe("Bearer");
        body.GetProperty("expiresIn").GetInt32().ShouldBe(3600);
        var token = new JsonWebTokenHandler().ReadJsonWebToken(body.GetProperty("accessToken").GetString());
        token.Alg.ShouldBe("HS256");
        token.Issuer.ShouldBe("boxoffice");
        token.Audiences.ShouldBe(["boxoffice"]);
        (token.ValidTo - token.IssuedAt).ShouldBe(TimeSpan.FromHours(1));
        token.GetClaim("sub").Value.ShouldBe(id.ToString());
        token.GetClaim("email").Value.ShouldBe(email);
        token.GetClaim("name").Value.ShouldBe("Dana Buyer");
        token.GetClaim("birthdate").Value.ShouldBe("1992-03-04");
        token.Claims.Where(c => c.Type == "role").Select(c => c.Value).ShouldBe(["buyer"]);
        token.Id.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task An_address_registered_already_is_refused_as_email_taken_whatever_its_case()
    {
        var email = AccountsFixture.NewEmail("erin");
        await accounts.RegisterAsync(email);

        foreach (var again in new[] { email, email.ToUpperInvariant() })
        {
            using var response = await accounts.RegisterAsync(new { email = again, password = "another-pass-2", displayName = "Erin Again", birthDate = "1980-01-01" });

            var problem = await Problem.ReadAsync(response, HttpStatusCode.Conflict);
            Problem.TypeOf(problem).ShouldBe(Problem.TypeBase + "email-taken");
        }

        // The first registration's password still opens the account.
        (await accounts.TokenAsync(email)).ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task Registrations_of_one_address_at_the_same_time_create_one_account()
    {
        var email = AccountsFixture.NewEmail("race");

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            accounts.RegisterAsync(new { email, password = AccountsFixture.Password, displayName = $"Racer {i}", birthDate = "1990-01-01" })));

        responses.Count(r => r.StatusCode == HttpStatusCode.Created).ShouldBe(1);
        responses.Count(r => r.StatusCode == HttpStatusCode.Conflict).ShouldBe(5);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Theory]
    [InlineData("malformed email", "not-an-email", AccountsFixture.Password, "Dana", "1990-01-01", "email", "not valid")]
    [InlineData("email with a display name", "Dana <dana@example.org>", AccountsFixture.Password, "Dana", "1990-01-01", "email", "not valid")]
    [InlineData("missing email", null, AccountsFixture.Password, "Dana", "1990-01-01", "email", "required")]
    [InlineData("missing password", "@", null, "Dana", "1990-01-01", "password", "required")]
    [InlineData("short password", "@", "abcdef1", "Dana", "1990-01-01", "password", "Passwords must be at least 10 characters.")]
    [InlineData("password of 9 characters", "@", "abcdefgh1", "Dana", "1990-01-01", "password", "Passwords must be at least 10 characters.")]
    [InlineData("password of 129 characters", "@", "129", "Dana", "1990-01-01", "password", "Passwords must be at most 128 characters.")]
    [InlineData("common password", "@", "Password123", "Dana", "1990-01-01", "password", "one of the most commonly used")]
    [InlineData("common password in another case", "@", "QWERTY12345", "Dana", "1990-01-01", "password", "one of the most commonly used")]
    [InlineData("password without a digit", "@", "no-digits-here", "Dana", "1990-01-01", "password", "Passwords must have at least one digit ('0'-'9').")]
    [InlineData("password without a letter", "@", "12345678", "Dana", "1990-01-01", "password", "Passwords must have at least one letter.")]
    [InlineData("missing display name", "@", AccountsFixture.Password, null, "1990-01-01", "displayName", "required")]
    [InlineData("blank display name", "@", AccountsFixture.Password, "   ", "1990-01-01", "displayName", "required")]
    [InlineData("display name of 101 characters", "@", AccountsFixture.Password, "101", "1990-01-01", "displayName", "at most 100")]
    [InlineData("missing birth date", "@", AccountsFixture.Password, "Dana", null, "birthDate", "required")]
    [InlineData("birth date not a date", "@", AccountsFixture.Password, "Dana", "1990-02-30", "birthDate", "YYYY-MM-DD")]
    [InlineData("birth date in another format", "@", AccountsFixture.Password, "Dana", "12/04/1990", "birthDate", "YYYY-MM-DD")]
    [InlineData("birth date in the future", "@", AccountsFixture.Password, "Dana", "tomorrow", "birthDate", "future")]
    [InlineData("birth date before 1900", "@", AccountsFixture.Password, "Dana", "1899-12-31", "birthDate", "1900-01-01")]
    public async Task Invalid_input_is_refused_naming_the_field(
        string why, string? email, string? password, string? displayName, string? birthDate, string field, string message)
    {
        // "@" stands for a fresh valid address, "101" for a long name, "129" for a long password, "tomorrow" for tomorrow.
        email = email == "@" ? AccountsFixture.NewEmail() : email;
        password = password == "129" ? new string('p', 128) + "1" : password;
        displayName = displayName == "101" ? new string('x', 101) : displayName;
        birthDate = birthDate == "tomorrow" ? DateOnly.FromDateTime(DateTime.UtcNow.AddDays(1)).ToString("yyyy-MM-dd") : birthDate;

        using var response = await accounts.RegisterAsync(new { email, password, displayName, birthDate });

        var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        Problem.TypeOf(problem).ShouldBe(Problem.TypeBase + "invalid-request", why);
        var errors = problem.GetProperty("errors").EnumerateObject().ToDictionary(e => e.Name, e => e.Value.EnumerateArray().Select(m => m.GetString()!).ToList());
        errors.Keys.ToArray().ShouldBe([field], customMessage: why);
        errors[field].ShouldContain(m => m.Contains(message, StringComparison.Ordinal), why);
        if (email is not null)
        {
            (await accounts.UsersWithEmailAsync(email)).ShouldBe(0, why);
        }
    }

    [Fact]
    public async Task A_weak_password_is_reported_with_every_rule_it_breaks_and_with_the_other_fields()
    {
        using var response = await accounts.RegisterAsync(new { email = "nope", password = "!!!", displayName = "", birthDate = "1990-01-01" });

        var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        errors.GetProperty("password").GetArrayLength().ShouldBe(3);
        errors.TryGetProperty("email", out _).ShouldBeTrue();
        errors.TryGetProperty("displayName", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task The_limits_themselves_are_accepted()
    {
        var longest = await accounts.RegisterAsync(AccountsFixture.NewEmail(), displayName: new string('x', 100), birthDate: "1900-01-01");
        var newborn = await accounts.RegisterAsync(AccountsFixture.NewEmail(), displayName: "D", birthDate: DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd"));

        var longPassword = AccountsFixture.NewEmail();
        await accounts.RegisterAsync(longPassword, password: new string('p', 127) + "1");
        (await accounts.TokenAsync(longPassword, new string('p', 127) + "1")).ShouldNotBeNullOrEmpty();

        longest.GetProperty("displayName").GetString()!.Length.ShouldBe(100);
        newborn.GetProperty("displayName").GetString().ShouldBe("D");
    }

    [Fact]
    public async Task A_body_with_an_unknown_field_such_as_an_id_is_refused_and_registers_nobody()
    {
        var email = AccountsFixture.NewEmail();

        using var response = await accounts.RegisterAsync(new { id = Guid.NewGuid(), email, password = AccountsFixture.Password, displayName = "Mallory", birthDate = "1990-01-01" });

        var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        Problem.TypeOf(problem).ShouldBe(Problem.TypeBase + "invalid-request");
        problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ShouldBe(["id"]);
        using var login = await accounts.LoginAsync(email, AccountsFixture.Password);
        login.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("text/plain", "email=a@example.org")]
    [InlineData("application/json", "not json")]
    [InlineData("application/json", "\"a string\"")]
    public async Task A_body_that_is_not_a_JSON_object_is_refused_as_invalid(string contentType, string body)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, contentType);
        using var response = await accounts.Client.PostAsync(new Uri("/api/accounts/register", UriKind.Relative), content, TestContext.Current.CancellationToken);

        Problem.TypeOf(await Problem.ReadAsync(response, HttpStatusCode.BadRequest)).ShouldBe(Problem.TypeBase + "invalid-request");
    }

    [Fact]
    public async Task A_body_over_the_size_limit_is_refused_and_registers_nobody()
    {
        var email = AccountsFixture.NewEmail();

        using var response = await accounts.RegisterAsync(new { email, password = new string('p', 10_000) + "1", displayName = "Big", birthDate = "1990-01-01" });

        Problem.TypeOf(await Problem.ReadAsync(response, HttpStatusCode.BadRequest)).ShouldBe(Problem.TypeBase + "invalid-request");
        (await accounts.UsersWithEmailAsync(email)).ShouldBe(0);
    }
}
