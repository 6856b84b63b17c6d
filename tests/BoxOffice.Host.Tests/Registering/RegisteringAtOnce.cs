using System.Net;
using System.Net.Http.Json;
using BoxOffice.Host.Tests.Support;

namespace BoxOffice.Host.Tests.Registering;

/// <summary>
/// A crowd signing up in the same second, as before a big on-sale: every one gets an account. The
/// password hash (slow by design) is made before the accounts database's write lock is taken;
/// inside it, sixty sign-ups waited for each other's hashes past the connection pool's wait (500s).
/// </summary>
public sealed class RegisteringAtOnce(HostFixture fixture) : IClassFixture<HostFixture>
{
    private TestApp App => fixture.App;

    [Fact]
    public async Task Sixty_registrations_at_once_each_create_an_account_that_can_log_in()
    {
        var ct = TestContext.Current.CancellationToken;
        var emails = Enumerable.Range(0, 60).Select(i => $"crowd-{i}-{Guid.NewGuid():N}@example.test").ToList();
        using var anonymous = App.Client();

        var answers = await Task.WhenAll(emails.Select(email => anonymous.PostAsJsonAsync(
            "/api/accounts/register", new { email, password = "Crowd-pass-9", displayName = "Crowd", birthDate = "1991-02-03" }, ct)));

        var statuses = answers.Select(a => a.StatusCode).ToList();
        statuses.ShouldAllBe(s => s == HttpStatusCode.Created, string.Join(", ", statuses.GroupBy(s => s).Select(g => $"{g.Count()} × {(int)g.Key}")));
        var ids = await Task.WhenAll(answers.Select(async a => (await TestApp.Json(a))["id"]!.GetValue<Guid>()));
        ids.Distinct().Count().ShouldBe(60);
        foreach (var answer in answers)
        {
            answer.Dispose();
        }

        // The hash stored is the password's: the last of the crowd logs in with it (a 200, or this fails).
        await App.LoginAsync(emails[^1], "Crowd-pass-9");
    }
}
