using System.Text.Json.Serialization;
using BoxOffice.Accounts.Closing;
using BoxOffice.Accounts.Registration;
using BoxOffice.Accounts.SigningIn;

namespace BoxOffice.Accounts;

/// <summary>Request bodies, read strictly: camelCase, unknown properties refused.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(RegisterRequest))]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(CloseAccountRequest))]
internal sealed partial class AccountsJson : JsonSerializerContext
{
    /// <summary>
    /// The largest account body: an e-mail (256), a password (128) and a display name (100) with
    /// room for escapes; anything bigger is refused before it is parsed.
    /// </summary>
    public const int MaxBodyBytes = 4 * 1024;
}
