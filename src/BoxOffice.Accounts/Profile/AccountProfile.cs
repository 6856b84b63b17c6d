using BoxOffice.Accounts.Storage;

namespace BoxOffice.Accounts.Profile;

/// <summary>What a user sees of their own account.</summary>
internal sealed record AccountProfile(Guid Id, string Email, string DisplayName, DateOnly BirthDate, IReadOnlyList<string> Roles)
{
    public static AccountProfile Of(Account account, IEnumerable<string> roles) =>
        new(account.Id, account.Email!, account.DisplayName, account.BirthDate, [.. roles.Order(StringComparer.Ordinal)]);
}
