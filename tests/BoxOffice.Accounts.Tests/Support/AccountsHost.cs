using BoxOffice.Testing;
using Microsoft.AspNetCore.Builder;

namespace BoxOffice.Accounts.Tests.Support;

/// <summary>The accounts module on the shared <see cref="ModuleHost"/>, with the organizer seeded.</summary>
internal static class AccountsHost
{
    public const string OrganizerPassword = "Organizer-test-7";

    /// <param name="dataDirectory">A folder of the test's own (kept), else a new one removed with the host.</param>
    /// <param name="settings">Configuration over the defaults; a null value removes one.</param>
    /// <param name="time">A clock to inject.</param>
    public static ModuleHostOptions Options(string? dataDirectory = null, IDictionary<string, string?>? settings = null, TimeProvider? time = null) => new()
    {
        Module = "accounts",
        Add = (messaging, configuration) => messaging.AddAccounts(configuration),
        Map = app => app.MapAccounts(),
        DataDirectory = dataDirectory,
        Settings = new Dictionary<string, string?> { ["Seed:OrganizerPassword"] = OrganizerPassword }.Concat(settings ?? new Dictionary<string, string?>()),
        Time = time,
    };

    public static Task<ModuleHost> BuildAndStartAsync(string dataDirectory, IDictionary<string, string?>? settings = null, TimeProvider? time = null) =>
        ModuleHost.StartAsync(Options(dataDirectory, settings, time));

    /// <summary>The application, configured but not started.</summary>
    public static WebApplication Build(string dataDirectory, IDictionary<string, string?>? settings = null) => ModuleHost.Build(Options(dataDirectory, settings));
}
