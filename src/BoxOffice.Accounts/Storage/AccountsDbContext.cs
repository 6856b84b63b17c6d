using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using BoxOffice.Messaging.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace BoxOffice.Accounts.Storage;

/// <summary>
/// The Identity tables. The schema is created by <see cref="AccountsSchema"/>, never by EF Core:
/// a test keeps this model and that migration equal.
/// </summary>
internal sealed class AccountsDbContext(DbContextOptions<AccountsDbContext> options)
    : IdentityDbContext<Account, IdentityRole<Guid>, Guid>(options)
{
    public const int DisplayNameMaxLength = 100;

    // The roles are reference data: fixed ids so the migration that inserts them never changes.
    internal static readonly IdentityRole<Guid>[] KnownRoles =
    [
        new() { Id = Guid.Parse("0197a1f0-0000-7000-8000-000000000001"), Name = ServiceDefaults.Roles.Buyer, NormalizedName = "BUYER", ConcurrencyStamp = "buyer" },
        new() { Id = Guid.Parse("0197a1f0-0000-7000-8000-000000000002"), Name = ServiceDefaults.Roles.Organizer, NormalizedName = "ORGANIZER", ConcurrencyStamp = "organizer" },
    ];

    /// <summary>
    /// Begins a write transaction that holds the accounts database's write lock, as the messaging
    /// core's writers do: SQLite's <c>BEGIN IMMEDIATE</c> takes it (EF Core's default for an explicit
    /// transaction there); on PostgreSQL the advisory lock is taken first. So the checks Identity makes
    /// inside (is this e-mail taken?) and the writes commit as one, and two writers queue.
    /// </summary>
    public async Task<IDbContextTransaction> BeginWriteAsync(CancellationToken ct)
    {
        var transaction = await Database.BeginTransactionAsync(ct);
        if (Database.IsNpgsql())
        {
            await Database.ExecuteSqlRawAsync(ServiceDatabase.PostgresWriteLockSql, ct);
        }

        return transaction;
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<Account>(account =>
        {
            account.Property(a => a.DisplayName).HasMaxLength(DisplayNameMaxLength).IsRequired();
            account.Property(a => a.BirthDate).IsRequired();
            // The user name is the e-mail address, so this is unique already; the index says so too.
            account.HasIndex(a => a.NormalizedEmail).HasDatabaseName("EmailIndex").IsUnique();
        });
        builder.Entity<IdentityRole<Guid>>().HasData(KnownRoles);
    }
}
