using System.Text.Json.Serialization.Metadata;

namespace BoxOffice.Contracts;

/// <summary>
/// An immutable integration event: a fact, named in the past tense, that one service publishes
/// and any number of consumers receive their own copy of.
/// </summary>
/// <typeparam name="TSelf">The event type itself.</typeparam>
public interface IEvent<TSelf> where TSelf : IEvent<TSelf>
{
    /// <summary>
    /// The stable name on the wire: <c>{producing service}.{fact}.v{version}</c>, for example
    /// <c>tickets.held.v1</c>. It never changes once published; a breaking change is a new version.
    /// The first segment names the service whose event log holds the event.
    /// </summary>
    static abstract string WireName { get; }

    /// <summary>Source-generated serialization metadata for the payload.</summary>
    static abstract JsonTypeInfo<TSelf> JsonTypeInfo { get; }
}
