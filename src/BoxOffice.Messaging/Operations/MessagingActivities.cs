using System.Diagnostics;

namespace BoxOffice.Messaging.Operations;

/// <summary>
/// The messaging core's one <see cref="ActivitySource"/>, <c>BoxOffice.Messaging</c> (every
/// process records <c>BoxOffice.*</c>: see <c>Telemetry.AddBoxOfficeTelemetry</c>). Spans are
/// started only when something listens, so an untraced process pays a null check.
/// </summary>
internal static class MessagingActivities
{
    public const string SourceName = "BoxOffice.Messaging";

    /// <summary>The <c>messaging.system</c> attribute of the core's own spans (the event logs).</summary>
    public const string System = "boxoffice";

    public static ActivitySource Source { get; } = new(SourceName);
}
