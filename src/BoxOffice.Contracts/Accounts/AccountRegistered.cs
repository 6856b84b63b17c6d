using System.Text.Json.Serialization.Metadata;

namespace BoxOffice.Contracts.Accounts;

/// <summary>Someone registered: services that write to or tailor for buyers keep what they need of it.</summary>
/// <param name="UserId">The new user's id (the <c>sub</c> of their tokens).</param>
/// <param name="Email">Where to write to them.</param>
/// <param name="DisplayName">How to address them.</param>
/// <param name="BirthDate">For age-restricted events.</param>
public sealed record AccountRegistered(
    Guid UserId,
    string Email,
    string DisplayName,
    DateOnly BirthDate) : IEvent<AccountRegistered>
{
    /// <inheritdoc />
    public static string WireName => "accounts.registered.v1";

    /// <inheritdoc />
    public static JsonTypeInfo<AccountRegistered> JsonTypeInfo => ContractsJson.Default.AccountRegistered;
}
