using System.ComponentModel.DataAnnotations;
using System.Globalization;
using BoxOffice.Accounts.Storage;
using BoxOffice.Messaging.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BoxOffice.Accounts.SigningIn;

/// <summary>How password guessing is slowed down (configuration section <c>Accounts:LoginThrottle</c>).</summary>
internal sealed class LoginThrottleOptions : IValidatableObject
{
    public const string Section = "Accounts:LoginThrottle";

    /// <summary>Failed attempts one address may make for one e-mail before it has to wait.</summary>
    [Range(1, 100)]
    public int FreeAttempts { get; set; } = 5;

    /// <summary>The first wait; each further failure after a wait doubles it.</summary>
    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest wait.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Failures older than this (counted from the last one) are forgotten.</summary>
    public TimeSpan ForgetAfter { get; set; } = TimeSpan.FromDays(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (FirstDelay <= TimeSpan.Zero || MaxDelay < FirstDelay || ForgetAfter < MaxDelay)
        {
            yield return new ValidationResult("Accounts:LoginThrottle needs 0 < FirstDelay <= MaxDelay <= ForgetAfter.");
        }
    }
}

/// <summary>
/// Slows password guessing without handing anyone a way to lock a real user out. Failures are
/// counted per (e-mail address, client address) — known and unknown addresses alike, so the answers
/// never tell which e-mails have accounts — and after <see cref="LoginThrottleOptions.FreeAttempts"/>
/// that one client address waits (1 minute, doubling per further failure, capped) before it may try
/// that e-mail again. The owner, from any other address, is not affected; a success forgives the
/// failures of its own address. Each attempt is counted before the password is checked, in a write
/// transaction, so parallel guesses cannot slip past the count. Kept in the accounts database (table
/// <c>login_failures</c>) so a restart does not reset it and several processes would share it.
/// </summary>
internal sealed class LoginThrottle(
    [FromKeyedServices(AccountsSchema.Database)] ServiceDatabase accounts,
    IOptions<LoginThrottleOptions> options,
    TimeProvider time)
{
    public static MigrationSet Schema { get; } = new("accounts-login-throttle",
    [
        new Migration(1, "failed logins per e-mail and client address",
            """
            CREATE TABLE login_failures (
                email TEXT NOT NULL,
                client TEXT NOT NULL,
                failures INTEGER NOT NULL,
                blocked_until BIGINT NOT NULL,
                last_failure_at BIGINT NOT NULL,
                PRIMARY KEY (email, client));
            CREATE INDEX login_failures_by_age ON login_failures (last_failure_at);
            """),
    ]);

    /// <summary>
    /// Counts an attempt as failed until <see cref="ForgiveAsync"/> says otherwise. Returns how long
    /// the client must still wait (nothing was counted then), or zero when it may try now.
    /// </summary>
    public async Task<Attempt> BeginAsync(string normalizedEmail, string client, CancellationToken ct)
    {
        var settings = options.Value;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var tx = await accounts.BeginAsync(ct);
        long failures = 0, blockedUntil = 0;
        await using (var reader = await tx.Command("SELECT failures, blocked_until, last_failure_at FROM login_failures WHERE email = @email AND client = @client")
            .With("@email", normalizedEmail).With("@client", client).ExecuteReaderAsync(ct))
        {
            if (await reader.ReadAsync(ct) && reader.GetInt64(2) >= now - (long)settings.ForgetAfter.TotalMilliseconds)
            {
                failures = reader.GetInt64(0);
                blockedUntil = reader.GetInt64(1);
            }
        }

        if (blockedUntil > now)
        {
            return new Attempt(Allowed: false, TimeSpan.FromMilliseconds(blockedUntil - now));
        }

        failures++;
        var wait = failures < settings.FreeAttempts ? TimeSpan.Zero : Delay(settings, failures - settings.FreeAttempts);
        await tx.Command("""
                INSERT INTO login_failures (email, client, failures, blocked_until, last_failure_at) VALUES (@email, @client, @failures, @until, @now)
                ON CONFLICT (email, client) DO UPDATE SET failures = excluded.failures, blocked_until = excluded.blocked_until, last_failure_at = excluded.last_failure_at
                """)
            .With("@email", normalizedEmail).With("@client", client).With("@failures", failures)
            .With("@until", now + (long)wait.TotalMilliseconds).With("@now", now).ExecuteNonQueryAsync(ct);
        // Forgotten failures go, so the table holds at most a day of guessing.
        await tx.Command("DELETE FROM login_failures WHERE last_failure_at < @old")
            .With("@old", now - (long)settings.ForgetAfter.TotalMilliseconds).ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return new Attempt(Allowed: true, wait);
    }

    /// <summary>The password was right: this client's failures for this e-mail are forgotten.</summary>
    public async Task ForgiveAsync(string normalizedEmail, string client, CancellationToken ct)
    {
        await using var tx = await accounts.BeginAsync(ct);
        await tx.Command("DELETE FROM login_failures WHERE email = @email AND client = @client")
            .With("@email", normalizedEmail).With("@client", client).ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }

    private static TimeSpan Delay(LoginThrottleOptions settings, long doublings)
    {
        var delay = settings.FirstDelay;
        for (var i = 0; i < doublings && delay < settings.MaxDelay; i++)
        {
            delay *= 2;
        }

        return delay < settings.MaxDelay ? delay : settings.MaxDelay;
    }

    /// <summary>Whether the attempt may go on, and how long the client waits if it fails (or must wait now).</summary>
    internal readonly record struct Attempt(bool Allowed, TimeSpan Wait)
    {
        public string RetryAfterSeconds => Math.Max(1, (long)Math.Ceiling(Wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
    }
}
