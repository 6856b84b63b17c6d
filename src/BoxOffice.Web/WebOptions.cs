namespace BoxOffice.Web;

/// <summary>The web app's settings (configuration section <c>Web</c>).</summary>
public sealed class WebOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Web";

    /// <summary>
    /// The BoxOffice API the pages call, for example the gateway's <c>http://localhost:5080</c>.
    /// Empty (the default) means this host's own address: the embedded host serves both.
    /// </summary>
    public string? ApiUrl { get; set; }
}
