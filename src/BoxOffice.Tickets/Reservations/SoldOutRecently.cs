using System.Collections.Concurrent;

namespace BoxOffice.Tickets.Reservations;

/// <summary>
/// Sold-out answers at the edge: once the group commit has refused a request because its ticket
/// type has no ticket left at all, requests for that type are refused without joining the accept
/// queue for <c>Tickets:SoldOutMemory</c> (250 ms by default). In a flash sale most buyers arrive
/// after the last ticket is held; without this they wait behind the acceptances to hear "sold out".
/// Tickets coming back (a release, an expiry, a cancel, more capacity) forget the type as soon as
/// that write commits; a refusal decided on a state read just before such a write can still
/// remember it afterwards, so a ticket back on sale may be answered "sold out" for at most that
/// long. A request carrying an Idempotency-Key always reaches the queue: its earlier reservation,
/// not a refusal, is its answer.
/// </summary>
internal static class SoldOutRecently
{
    private static readonly ConcurrentDictionary<Guid, DateTimeOffset> Until = new();

    /// <summary>Whether the type was found with no ticket left less than the memory ago.</summary>
    public static bool Holds(Guid ticketTypeId, DateTimeOffset now) =>
        Until.TryGetValue(ticketTypeId, out var until) && now < until;

    /// <summary>After a committed batch refused a request because the type had no ticket left.</summary>
    public static void Remember(Guid ticketTypeId, DateTimeOffset now, TimeSpan memory)
    {
        if (memory > TimeSpan.Zero)
        {
            Until[ticketTypeId] = now + memory;
        }
    }

    /// <summary>Tickets of the type came back or capacity changed: the next request is decided in the queue.</summary>
    public static void Forget(Guid ticketTypeId) => Until.TryRemove(ticketTypeId, out _);

    /// <summary>Whether any type is remembered: writes pay for the hook only during a sold-out rush.</summary>
    public static bool Any => !Until.IsEmpty;
}
