using System.Runtime.Versioning;
using BoxOffice.Host.Tests.Support;
using BoxOffice.Testing;

namespace BoxOffice.Host.Tests.Trusting;

/// <summary>The data folder is the user's alone: keys, secrets, databases and e-mails.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class KeepingFilesPrivate
{
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyFolder = OwnerOnlyFile | UnixFileMode.UserExecute;

    [Fact]
    public async Task Every_file_in_the_data_folder_is_0600_and_every_folder_0700()
    {
        await using var app = await TestApp.StartAsync();
        var (_, type) = await app.CreateEventAsync();
        using var buyer = await app.BuyerAsync();
        var id = await buyer.ReserveAcceptedAsync(type, 1);
        await buyer.UntilAsync(id, r => r["status"]!.GetValue<string>() == "Acquired", "the purchase completes");
        // The tickets e-mail is the last thing a purchase writes.
        await Eventually.HoldsAsync(
            () => Directory.Exists(Path.Combine(app.DataDirectory, "mail")) && Directory.EnumerateFiles(Path.Combine(app.DataDirectory, "mail"), "*.eml").Any(),
            found => found, "the tickets e-mail is written");

        var files = Directory.EnumerateFiles(app.DataDirectory, "*", SearchOption.AllDirectories).ToList();
        var folders = Directory.EnumerateDirectories(app.DataDirectory, "*", SearchOption.AllDirectories).Append(app.DataDirectory).ToList();

        files.ShouldContain(f => Path.GetFileName(f) == "auth-signing.key");
        files.ShouldContain(f => Path.GetFileName(f) == EmbeddedHost.WebhookSecretFile);
        if (!StoreUnderTest.IsPostgres)
        {
            // On PostgreSQL the databases are the server's; the keys and mails stay here.
            files.ShouldContain(f => f.EndsWith("tickets.db", StringComparison.Ordinal));
            files.ShouldContain(f => f.EndsWith("tickets.db-wal", StringComparison.Ordinal));
        }

        files.ShouldContain(f => f.EndsWith(".eml", StringComparison.Ordinal));
        files.ShouldAllBe(f => File.GetUnixFileMode(f) == OwnerOnlyFile);
        folders.ShouldAllBe(d => File.GetUnixFileMode(d) == OwnerOnlyFolder);
    }

    [Fact]
    public async Task A_data_folder_left_open_by_an_earlier_version_is_closed_at_start()
    {
        using var folder = new TempDirectory("host");
        var data = folder.Path;
        Directory.CreateDirectory(Path.Combine(data, "mail"));
        var old = Path.Combine(data, "mail", "old.eml");
        await File.WriteAllTextAsync(old, "Subject: old", TestContext.Current.CancellationToken);
        File.SetUnixFileMode(old, OwnerOnlyFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.SetUnixFileMode(data, OwnerOnlyFolder | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        await using var app = await TestApp.StartAsync(dataDirectory: data);

        File.GetUnixFileMode(old).ShouldBe(OwnerOnlyFile);
        File.GetUnixFileMode(data).ShouldBe(OwnerOnlyFolder);
        File.GetUnixFileMode(Path.Combine(data, "mail")).ShouldBe(OwnerOnlyFolder);
    }
}
