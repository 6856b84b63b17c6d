using System.Text.Json.Serialization.Metadata;

namespace BoxOffice.Contracts.Accounts;

/// <summary>
/// A user closed their account: it no longer exists. Access tokens issued before stay valid by
/// signature until they expire, so every service that acts on a token's behalf keeps the closed ids
/// and refuses them on its write paths.
/// </summary>
/// <param name="UserId">The closed account's id (the <c>sub</c> of its tokens).</param>
/// <param name="ClosedAt">When it was closed.</param>
public sealed record AccountClosed(Guid UserId, DateTimeOffset ClosedAt) : IEvent<AccountClosed>
{
    /// <inheritdoc />
    public static string WireName => "accounts.closed.v1";

    /// <inheritdoc />
    public static JsonTypeInfo<AccountClosed> JsonTypeInfo => ContractsJson.Default.AccountClosed;
}
