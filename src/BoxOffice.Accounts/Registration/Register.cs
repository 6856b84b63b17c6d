using System.Globalization;
using System.Net.Mail;
using BoxOffice.Accounts.Profile;
using BoxOffice.Accounts.Storage;
using BoxOffice.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;

namespace BoxOffice.Accounts.Registration;

/// <summary>
/// The registration form. Every field is optional here so a missing one is reported with the
/// others as a field error; the birth date is text so a malformed one is too. There is no id:
/// the server chooses it.
/// </summary>
internal sealed record RegisterRequest(string? Email, string? Password, string? DisplayName, string? BirthDate);

/// <summary>A registration that passed the field checks.</summary>
internal sealed record ValidRegistration(string Email, string Password, string DisplayName, DateOnly BirthDate);

/// <summary><c>POST /api/accounts/register</c>: creates a buyer account.</summary>
internal static class Register
{
    public const string Route = "/api/accounts/register";

    public static readonly DateOnly EarliestBirthDate = new(1900, 1, 1);

    // Identity's column length for e-mail addresses and user names.
    public const int EmailMaxLength = 256;

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost(Route, HandleAsync)
            .AllowAnonymous()
            .WithName("Register")
            .WithTags("Accounts")
            .WithSummary("Register a buyer account")
            .AcceptsJson(
                new RegisterRequest("ada@example.com", "Correct-horse-battery-1", "Ada Lovelace", "1990-12-10"),
                AccountsJson.Default.RegisterRequest)
            .ProducesWithLocation<AccountProfile>(StatusCodes.Status201Created, "`/api/me`: the new account.")
            .ProducesProblems(StatusCodes.Status409Conflict, "email-taken");

    /// <summary>
    /// Checks the fields that need no database; <paramref name="today"/> is the UTC date. Returns
    /// the registration, or null with <paramref name="errors"/> filled in.
    /// </summary>
    public static ValidRegistration? Check(RegisterRequest request, DateOnly today, Dictionary<string, List<string>> errors)
    {
        var email = request.Email?.Trim();
        if (string.IsNullOrEmpty(email))
        {
            Add(errors, "email", "The e-mail address is required.");
        }
        else if (!IsEmailAddress(email))
        {
            Add(errors, "email", "The e-mail address is not valid.");
        }

        if (string.IsNullOrEmpty(request.Password))
        {
            Add(errors, "password", "The password is required.");
        }

        var displayName = request.DisplayName?.Trim();
        if (string.IsNullOrEmpty(displayName))
        {
            Add(errors, "displayName", "The display name is required.");
        }
        else if (displayName.Length > AccountsDbContext.DisplayNameMaxLength)
        {
            Add(errors, "displayName", $"The display name must be at most {AccountsDbContext.DisplayNameMaxLength} characters.");
        }

        DateOnly birthDate = default;
        if (string.IsNullOrWhiteSpace(request.BirthDate))
        {
            Add(errors, "birthDate", "The birth date is required.");
        }
        else if (!DateOnly.TryParseExact(request.BirthDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out birthDate))
        {
            Add(errors, "birthDate", "The birth date must be a date written YYYY-MM-DD.");
        }
        else if (birthDate > today)
        {
            Add(errors, "birthDate", "The birth date cannot be in the future.");
        }
        else if (birthDate < EarliestBirthDate)
        {
            Add(errors, "birthDate", "The birth date cannot be before 1900-01-01.");
        }

        return errors.Count == 0 ? new ValidRegistration(email!, request.Password!, displayName!, birthDate) : null;
    }

    private static async Task<IResult> HandleAsync(
        HttpContext http, UserManager<Account> users, AccountsDbContext db, RegistrationSignal announce, TimeProvider time)
    {
        var ct = http.RequestAborted;
        var (request, problem) = await JsonBody.ReadAsync(http.Request, AccountsJson.Default.RegisterRequest, AccountsJson.MaxBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var registration = Check(request!, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), errors);

        // The password policy is Identity's; asked here so a weak password is reported, in
        // Identity's words, together with the other field errors.
        if (!string.IsNullOrEmpty(request!.Password))
        {
            foreach (var validator in users.PasswordValidators)
            {
                var result = await validator.ValidateAsync(users, new Account(), request.Password);
                foreach (var error in result.Errors)
                {
                    Add(errors, "password", error.Description);
                }
            }
        }

        if (registration is null || errors.Count > 0)
        {
            return Invalid(errors);
        }

        var account = Account.New(registration.Email, registration.DisplayName, registration.BirthDate, time);
        // Hashed before the write lock is taken (the policy was checked above): the hash takes tens of
        // milliseconds of CPU by design, and inside the lock every other registration and sign-up
        // waited for it in turn (a burst of sixty ran past the connection pool's wait: 500s).
        account.PasswordHash = users.PasswordHasher.HashPassword(account, registration.Password);

        // The database's write lock: the e-mail check inside CreateAsync, the insert and the role
        // commit together, and two registrations of one address queue for the lock instead of
        // racing to the unique index.
        await using var transaction = await db.BeginWriteAsync(ct);
        var created = await users.CreateAsync(account);
        if (!created.Succeeded)
        {
            return created.Errors.Any(e => e.Code is nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.DuplicateUserName))
                ? Problems.Result(ProblemTypes.EmailTaken, "An account with this e-mail address exists already.")
                : Invalid(IdentityErrors(created));
        }

        var role = await users.AddToRoleAsync(account, Roles.Buyer);
        if (!role.Succeeded)
        {
            throw new InvalidOperationException("Could not give the new account the buyer role: " + string.Join(" ", role.Errors.Select(e => e.Description)));
        }

        await transaction.CommitAsync(ct);
        announce.Wake();
        return TypedResults.Created(GetMe.Route, AccountProfile.Of(account, [Roles.Buyer]));
    }

    private static bool IsEmailAddress(string value) =>
        value.Length <= EmailMaxLength
        && MailAddress.TryCreate(value, out var address)
        // "Alice <alice@example.org>" parses too; only the bare address is one.
        && string.Equals(address.Address, value, StringComparison.Ordinal);

    private static Dictionary<string, List<string>> IdentityErrors(IdentityResult result)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var error in result.Errors)
        {
            Add(errors, error.Code.StartsWith("Password", StringComparison.Ordinal) ? "password" : "email", error.Description);
        }

        return errors;
    }

    private static IResult Invalid(Dictionary<string, List<string>> errors) =>
        Problems.Validation(errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));

    private static void Add(Dictionary<string, List<string>> errors, string field, string message)
    {
        if (!errors.TryGetValue(field, out var messages))
        {
            errors[field] = messages = [];
        }

        messages.Add(message);
    }
}
