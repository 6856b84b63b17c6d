using BoxOffice.ServiceDefaults;
using BoxOffice.Web.Api;
using BoxOffice.Web.Live;
using BoxOffice.Web.Operating;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BoxOffice.Web;

/// <summary>
/// The web app: Razor Pages for buyers, organizers and operators, served at <c>/</c>, calling the
/// BoxOffice HTTP API (<c>Web:ApiUrl</c>, else this host) with the signed-in user's token kept in
/// the auth cookie. Embedded, the host maps it beside the API; apart, a <c>--service web</c> process
/// maps only this, behind the gateway.
/// </summary>
public static class WebModule
{
    /// <summary>The folder in the data folder holding the keys that encrypt the auth cookie and antiforgery tokens.</summary>
    public const string KeysFolder = "web-keys";

    /// <summary>
    /// Adds the pages, cookie authentication (scheme <c>BoxOffice.Web</c>, never the default: the
    /// API keeps its bearer tokens), antiforgery, the typed API client and the data-protection keys
    /// (generated into <c>{data folder}/web-keys</c>, so sign-ins survive a restart).
    /// </summary>
    public static IServiceCollection AddBoxOfficeWeb(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<WebOptions>().Bind(configuration.GetSection(WebOptions.Section))
            .Validate(o => string.IsNullOrWhiteSpace(o.ApiUrl) || Uri.TryCreate(o.ApiUrl, UriKind.Absolute, out _), "Web:ApiUrl must be an absolute URL, such as http://localhost:5080.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpContextAccessor();
        services.AddSingleton<ApiAddress>();
        services.AddSingleton<ConsumerRates>();
        services.AddHttpClient<BoxOfficeApi>(client => client.Timeout = TimeSpan.FromSeconds(30));

        services.AddDataProtection().SetApplicationName("BoxOffice.Web");
        services.AddOptions<KeyManagementOptions>().Configure<IHostEnvironment, ILoggerFactory>((keys, environment, loggers) =>
        {
            var folder = Path.Combine(DataFolder.Resolve(configuration, environment), KeysFolder);
            Directory.CreateDirectory(folder);
            keys.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(folder), loggers);
        });

        services.AddAuthentication().AddCookie(WebAuth.Scheme, WebAuth.Configure);
        services.AddAuthorizationBuilder()
            .AddPolicy(WebAuth.SignedIn, p => p.AddAuthenticationSchemes(WebAuth.Scheme).RequireAuthenticatedUser())
            .AddPolicy(WebAuth.Organizer, p => p.AddAuthenticationSchemes(WebAuth.Scheme).RequireAuthenticatedUser().RequireRole(Roles.Organizer));

        services.AddRazorPages(pages =>
            {
                // Every page authenticates the cookie (so the layout knows who is there); public ones allow anonymous.
                pages.Conventions.AuthorizeFolder("/", WebAuth.SignedIn);
                pages.Conventions.AllowAnonymousToPage("/Index");
                pages.Conventions.AllowAnonymousToFolder("/Events");
                pages.Conventions.AllowAnonymousToFolder("/Account");
                pages.Conventions.AuthorizeFolder("/Organizer", WebAuth.Organizer);
                pages.Conventions.AuthorizeFolder("/Operator", WebAuth.Organizer);
                pages.Conventions.ConfigureFilter(new WebPageFilter());
            })
            .ConfigureApplicationPartManager(parts =>
            {
                // A host whose entry assembly does not list this one (a test runner) still finds the pages.
                var assembly = typeof(WebModule).Assembly;
                if (!parts.ApplicationParts.OfType<AssemblyPart>().Any(p => p.Assembly == assembly))
                {
                    // Its types and its compiled Razor pages, as the SDK's own discovery would add them.
                    foreach (var part in ApplicationPartFactory.GetApplicationPartFactory(assembly).GetApplicationParts(assembly))
                    {
                        parts.ApplicationParts.Add(part);
                    }
                }
            });
        return services;
    }

    /// <summary>Maps the pages at <c>/</c>, their assets at <c>/assets/…</c> and the live stream at <c>/live/notifications</c>.</summary>
    public static IEndpointRouteBuilder MapBoxOfficeWeb(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapRazorPages();
        Assets.Map(endpoints);
        NotificationsProxy.Map(endpoints);
        return endpoints;
    }
}
