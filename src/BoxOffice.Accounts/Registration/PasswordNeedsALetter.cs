using BoxOffice.Accounts.Storage;
using Microsoft.AspNetCore.Identity;

namespace BoxOffice.Accounts.Registration;

/// <summary>
/// The password policy asks for a digit and a letter; Identity can require a lowercase or an
/// uppercase letter, but not "any letter", so this adds that rule.
/// </summary>
internal sealed class PasswordNeedsALetter : IPasswordValidator<Account>
{
    public const string Code = "PasswordRequiresLetter";

    public Task<IdentityResult> ValidateAsync(UserManager<Account> manager, Account user, string? password) =>
        Task.FromResult(password is not null && password.Any(char.IsLetter)
            ? IdentityResult.Success
            : IdentityResult.Failed(new IdentityError { Code = Code, Description = "Passwords must have at least one letter." }));
}
