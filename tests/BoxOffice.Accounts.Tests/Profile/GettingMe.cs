using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using BoxOffice.Accounts.Tests.Support;
using BoxOffice.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BoxOffice.Accounts.Tests.Profile;

public sealed class GettingMe(AccountsFixture accounts) : IClassFixture<AccountsFixture>
{
    [Fact]
    public async Task With_a_token_each_caller_gets_their_own_profile()
    {
        var first = await accounts.RegisterAsync(AccountsFixture.NewEmail("fay"), displayName: "Fay", birthDate: "2001-09-10");
        var second = await accounts.RegisterAsync(AccountsFixture.NewEmail("gus"), displayName: "Gus", birthDate: "1970-05-06");

        foreach (var registered in new[] { first, second })
        {
            using var response = await accounts.GetMeAsync(await accounts.TokenAsync(registered.GetProperty("email").GetString()!));

            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            var me = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
            me.ToString().ShouldBe(registered.ToString());
        }
    }

    [Fact]
    public async Task Without_a_token_the_answer_is_401()
    {
        using var response = await accounts.GetMeAsync(token: null);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_refused_with_401()
    {
        var profile = await accounts.RegisterAsync(AccountsFixture.NewEmail());
        var forged = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "boxoffice",
            Audience = "boxoffice",
            Expires = DateTime.UtcNow.AddHours(1),
            Subject = new ClaimsIdentity([new Claim("sub", profile.GetProperty("id").GetString()!), new Claim("role", "organizer")]),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(new byte[32]), SecurityAlgorithms.HmacSha256),
        });

        using var response = await accounts.GetMeAsync(forged);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_expired_token_is_refused_with_401()
    {
        var profile = await accounts.RegisterAsync(AccountsFixture.NewEmail());
        var holder = new TokenHolder(profile.GetProperty("id").GetGuid(), profile.GetProperty("email").GetString()!, "Old", new DateOnly(1990, 1, 1), [Roles.Buyer]);
        var twoHoursAgo = new TokenIssuer(accounts.Host.Services.GetRequiredService<TokenSigning>(), new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-2)));

        using var response = await accounts.GetMeAsync(twoHoursAgo.Issue(holder));

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
