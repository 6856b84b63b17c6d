using Microsoft.AspNetCore.Identity;

namespace BoxOffice.Accounts.Storage;

/// <summary>A BoxOffice user: an Identity user whose user name is the e-mail address.</summary>
internal sealed class Account : IdentityUser<Guid>
{
    public string DisplayName { get; set; } = "";

    public DateOnly BirthDate { get; set; }

    /// <summary>
    /// The one place account ids come from: time-ordered, chosen by the server, never by a request.
    /// </summary>
    public static Account New(string email, string displayName, DateOnly birthDate, TimeProvider time) => new()
    {
        Id = Guid.CreateVersion7(time.GetUtcNow()),
        UserName = email,
        Email = email,
        DisplayName = displayName,
        BirthDate = birthDate,
    };
}
