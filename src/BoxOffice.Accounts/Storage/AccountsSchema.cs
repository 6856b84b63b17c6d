using BoxOffice.Messaging.Storage;

namespace BoxOffice.Accounts.Storage;

/// <summary>
/// The accounts database's versioned migrations (scope <c>accounts</c>): the only thing that
/// creates or changes the Identity tables. Version 1 is <c>GenerateCreateScript()</c> of
/// <see cref="AccountsDbContext"/>, pasted; a test fails when the model and the migrations drift.
/// </summary>
internal static class AccountsSchema
{
    public const string Database = "accounts";

    public static readonly MigrationSet Migrations = new(Database,
    [
        new Migration(1, "identity tables", Version1Sqlite, Version1Postgres),
    ]);

    // EF Core's script for SQLite, verbatim (blank lines collapsed).
    private const string Version1Sqlite = """
        CREATE TABLE "AspNetRoles" (
            "Id" TEXT NOT NULL CONSTRAINT "PK_AspNetRoles" PRIMARY KEY,
            "Name" TEXT NULL,
            "NormalizedName" TEXT NULL,
            "ConcurrencyStamp" TEXT NULL
        );

        CREATE TABLE "AspNetUsers" (
            "Id" TEXT NOT NULL CONSTRAINT "PK_AspNetUsers" PRIMARY KEY,
            "DisplayName" TEXT NOT NULL,
            "BirthDate" TEXT NOT NULL,
            "UserName" TEXT NULL,
            "NormalizedUserName" TEXT NULL,
            "Email" TEXT NULL,
            "NormalizedEmail" TEXT NULL,
            "EmailConfirmed" INTEGER NOT NULL,
            "PasswordHash" TEXT NULL,
            "SecurityStamp" TEXT NULL,
            "ConcurrencyStamp" TEXT NULL,
            "PhoneNumber" TEXT NULL,
            "PhoneNumberConfirmed" INTEGER NOT NULL,
            "TwoFactorEnabled" INTEGER NOT NULL,
            "LockoutEnd" TEXT NULL,
            "LockoutEnabled" INTEGER NOT NULL,
            "AccessFailedCount" INTEGER NOT NULL
        );

        CREATE TABLE "AspNetRoleClaims" (
            "Id" INTEGER NOT NULL CONSTRAINT "PK_AspNetRoleClaims" PRIMARY KEY AUTOINCREMENT,
            "RoleId" TEXT NOT NULL,
            "ClaimType" TEXT NULL,
            "ClaimValue" TEXT NULL,
            CONSTRAINT "FK_AspNetRoleClaims_AspNetRoles_RoleId" FOREIGN KEY ("RoleId") REFERENCES "AspNetRoles" ("Id") ON DELETE CASCADE
        );

        CREATE TABLE "AspNetUserClaims" (
            "Id" INTEGER NOT NULL CONSTRAINT "PK_AspNetUserClaims" PRIMARY KEY AUTOINCREMENT,
            "UserId" TEXT NOT NULL,
            "ClaimType" TEXT NULL,
            "ClaimValue" TEXT NULL,
            CONSTRAINT "FK_AspNetUserClaims_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
        );

        CREATE TABLE "AspNetUserLogins" (
            "LoginProvider" TEXT NOT NULL,
            "ProviderKey" TEXT NOT NULL,
            "ProviderDisplayName" TEXT NULL,
            "UserId" TEXT NOT NULL,
            CONSTRAINT "PK_AspNetUserLogins" PRIMARY KEY ("LoginProvider", "ProviderKey"),
            CONSTRAINT "FK_AspNetUserLogins_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
        );

        CREATE TABLE "AspNetUserRoles" (
            "UserId" TEXT NOT NULL,
            "RoleId" TEXT NOT NULL,
            CONSTRAINT "PK_AspNetUserRoles" PRIMARY KEY ("UserId", "RoleId"),
            CONSTRAINT "FK_AspNetUserRoles_AspNetRoles_RoleId" FOREIGN KEY ("RoleId") REFERENCES "AspNetRoles" ("Id") ON DELETE CASCADE,
            CONSTRAINT "FK_AspNetUserRoles_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
        );

        CREATE TABLE "AspNetUserTokens" (
            "UserId" TEXT NOT NULL,
            "LoginProvider" TEXT NOT NULL,
            "Name" TEXT NOT NULL,
            "Value" TEXT NULL,
            CONSTRAINT "PK_AspNetUserTokens" PRIMARY KEY ("UserId", "LoginProvider", "Name"),
            CONSTRAINT "FK_AspNetUserTokens_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
        );

        INSERT INTO "AspNetRoles" ("Id", "ConcurrencyStamp", "Name", "NormalizedName")
        VALUES ('0197A1F0-0000-7000-8000-000000000001', 'buyer', 'buyer', 'BUYER');
        SELECT changes();

        INSERT INTO "AspNetRoles" ("Id", "ConcurrencyStamp", "Name", "NormalizedName")
        VALUES ('0197A1F0-0000-7000-8000-000000000002', 'organizer', 'organizer', 'ORGANIZER');
        SELECT changes();

        CREATE INDEX "IX_AspNetRoleClaims_RoleId" ON "AspNetRoleClaims" ("RoleId");

        CREATE UNIQUE INDEX "RoleNameIndex" ON "AspNetRoles" ("NormalizedName");

        CREATE INDEX "IX_AspNetUserClaims_UserId" ON "AspNetUserClaims" ("UserId");

        CREATE INDEX "IX_AspNetUserLogins_UserId" ON "AspNetUserLogins" ("UserId");

        CREATE INDEX "IX_AspNetUserRoles_RoleId" ON "AspNetUserRoles" ("RoleId");

        CREATE UNIQUE INDEX "EmailIndex" ON "AspNetUsers" ("NormalizedEmail");

        CREATE UNIQUE INDEX "UserNameIndex" ON "AspNetUsers" ("NormalizedUserName");
        """;

    // Npgsql's script for the same model, verbatim (uuid keys, identity columns, timestamptz); a test
    // keeps it equal to the model, and the PostgreSQL host tests run on it.
    private const string Version1Postgres = """
        CREATE TABLE "AspNetRoles" (
            "Id" uuid NOT NULL,
            "Name" character varying(256),
            "NormalizedName" character varying(256),
            "ConcurrencyStamp" text,
            CONSTRAINT "PK_AspNetRoles" PRIMARY KEY ("Id")
        );

        CREATE TABLE "AspNetUsers" (
            "Id" uuid NOT NULL,
            "DisplayName" character varying(100) NOT NULL,
            "BirthDate" date NOT NULL,
            "UserName" character varying(256),
            "NormalizedUserName" character varying(256),
            "Email" character varying(256),
            "NormalizedEmail" character varying(256),
            "EmailConfirmed" boolean NOT NULL,
            "PasswordHash" text,
            "SecurityStamp" text,
            "ConcurrencyStamp" text,
            "PhoneNumber" text,
            "PhoneNumberConfirmed" boolean NOT NULL,
            "TwoFactorEnabled" boolean NOT NULL,
            "LockoutEnd" timestamp with time zone,
            "LockoutEnabled" boolean NOT NULL,
            "AccessFailedCount" integer NOT NULL,
            CONSTRAINT "PK_AspNetUsers" PRIMARY KEY ("Id")
        );

        CREATE TABLE "AspNetRoleClaims" (
            "Id" integer GENERATED BY DEFAULT AS IDENTITY,
            "RoleId" uuid NOT NULL,
            "ClaimType" text,
            "ClaimValue" text,
            CONSTRAINT "PK_AspNetRoleClaims" PRIMARY KEY ("Id"),
            CONSTRAINT "FK_AspNetRoleClaims_AspNetRoles_RoleId" FOREIGN KEY ("RoleId") REFERENCES "AspNetRoles" ("Id") ON DELETE CASCADE
        );

        CREATE TABLE "AspNetUserClaims" (
            "Id" integer GENERATED BY DEFAULT AS IDENTITY,
            "UserId" uuid NOT NULL,
            "ClaimType" text,
            "ClaimValue" text,
            CONSTRAINT "PK_AspNetUserClaims" PRIMARY KEY ("Id"),
            CONSTRAINT "FK_AspNetUserClaims_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
        );

        CREATE TABLE "AspNetUserLogins" (
            "LoginProvider" text NOT NULL,
            "ProviderKey" text NOT NULL,
            "ProviderDisplayName" text,
            "UserId" uuid NOT NULL,
            CONSTRAINT "PK_AspNetUserLogins" PRIMARY KEY ("LoginProvider", "ProviderKey"),
            CONSTRAINT "FK_AspNetUserLogins_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
        );

        CREATE TABLE "AspNetUserRoles" (
            "UserId" uuid NOT NULL,
            "RoleId" uuid NOT NULL,
            CONSTRAINT "PK_AspNetUserRoles" PRIMARY KEY ("UserId", "RoleId"),
            CONSTRAINT "FK_AspNetUserRoles_AspNetRoles_RoleId" FOREIGN KEY ("RoleId") REFERENCES "AspNetRoles" ("Id") ON DELETE CASCADE,
            CONSTRAINT "FK_AspNetUserRoles_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
        );

        CREATE TABLE "AspNetUserTokens" (
            "UserId" uuid NOT NULL,
            "LoginProvider" text NOT NULL,
            "Name" text NOT NULL,
            "Value" text,
            CONSTRAINT "PK_AspNetUserTokens" PRIMARY KEY ("UserId", "LoginProvider", "Name"),
            CONSTRAINT "FK_AspNetUserTokens_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
        );

        INSERT INTO "AspNetRoles" ("Id", "ConcurrencyStamp", "Name", "NormalizedName")
        VALUES ('0197a1f0-0000-7000-8000-000000000001', 'buyer', 'buyer', 'BUYER');
        INSERT INTO "AspNetRoles" ("Id", "ConcurrencyStamp", "Name", "NormalizedName")
        VALUES ('0197a1f0-0000-7000-8000-000000000002', 'organizer', 'organizer', 'ORGANIZER');

        CREATE INDEX "IX_AspNetRoleClaims_RoleId" ON "AspNetRoleClaims" ("RoleId");

        CREATE UNIQUE INDEX "RoleNameIndex" ON "AspNetRoles" ("NormalizedName");

        CREATE INDEX "IX_AspNetUserClaims_UserId" ON "AspNetUserClaims" ("UserId");

        CREATE INDEX "IX_AspNetUserLogins_UserId" ON "AspNetUserLogins" ("UserId");

        CREATE INDEX "IX_AspNetUserRoles_RoleId" ON "AspNetUserRoles" ("RoleId");

        CREATE UNIQUE INDEX "EmailIndex" ON "AspNetUsers" ("NormalizedEmail");

        CREATE UNIQUE INDEX "UserNameIndex" ON "AspNetUsers" ("NormalizedUserName");
        """;
}
