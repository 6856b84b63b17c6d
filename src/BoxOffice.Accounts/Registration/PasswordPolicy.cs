using System.Reflection;
using BoxOffice.Accounts.Storage;
using Microsoft.AspNetCore.Identity;

namespace BoxOffice.Accounts.Registration;

/// <summary>
/// The rules Identity's options cannot say: a letter somewhere (Identity can only require a lower- or
/// an uppercase one), at most <see cref="MaxLength"/> characters (so hashing cost stays bounded),
/// and not one of the most common passwords.
/// </summary>
internal sealed class PasswordPolicy : IPasswordValidator<Account>
{
    public const int MinLength = 10;
    public const int MaxLength = 128;

    public const string NeedsLetterCode = "PasswordRequiresLetter";
    public const string TooLongCode = "PasswordTooLong";
    public const string CommonCode = "PasswordTooCommon";

    public Task<IdentityResult> ValidateAsync(UserManager<Account> manager, Account user, string? password)
    {
        var errors = new List<IdentityError>();
        if (password is null || !password.Any(char.IsLetter))
        {
            errors.Add(new IdentityError { Code = NeedsLetterCode, Description = "Passwords must have at least one letter." });
        }

        if (password is { Length: > MaxLength })
        {
            errors.Add(new IdentityError { Code = TooLongCode, Description = $"Passwords must be at most {MaxLength} characters." });
        }
        else if (password is not null && CommonPasswords.Contains(password))
        {
            errors.Add(new IdentityError { Code = CommonCode, Description = "This password is one of the most commonly used ones; choose another." });
        }

        return Task.FromResult(errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]));
    }
}

/// <summary>
/// The most common passwords (embedded <c>CommonPasswords.txt</c>: the most frequent entries of public
/// breach lists, with the usual variants that meet the length rule), compared case-insensitively.
/// </summary>
internal static class CommonPasswords
{
    private static readonly Lazy<HashSet<string>> List = new(Load);

    public static int Count => List.Value.Count;

    public static bool Contains(string password) => List.Value.Contains(password.Trim());

    private static HashSet<string> Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("BoxOffice.Accounts.Registration.CommonPasswords.txt")
            ?? throw new InvalidOperationException("The embedded list of common passwords is missing.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.ReadLine() is { } line)
        {
            var entry = line.Trim();
            if (entry.Length > 0 && !entry.StartsWith('#'))
            {
                set.Add(entry);
            }
        }

        return set;
    }
}
