using System.Collections.Concurrent;
using BoxOffice.Messaging.Storage;
using BoxOffice.ServiceDefaults;
using Microsoft.AspNetCore.Http;

namespace BoxOffice.Tickets.Reservations;

/// <summary>
/// Request-response mode (<c>Tickets:Mode = RequestResponse</c>), kept to measure what the
/// event-driven flow buys: the reservation is held and paid exactly as in event-driven mode (same
/// group commit, same Payments consumer, same one charge), but <c>POST /api/reservations</c>
/// answers only once it is final — 200 with the reservation, Acquired or not — the way the seed's
/// traditional server answers after "check, lock, pay and wait, mark Acquired, assign". A request
/// waits at most <c>Tickets:RequestResponseTimeout</c>, then answers 504 <c>payment-pending</c>
/// (the reservation goes on and ends as usual). By default a waiting request blocks its thread,
/// as a thread-per-request server does (<c>Tickets:RequestResponseWait</c>).
/// </summary>
internal static class AnswerWhenFinal
{
    // A waiting request is woken when a write that makes its reservation final commits in this
    // process; it also reads the reservation at this interval, because another instance of
    // Tickets may have applied the outcome (distributed), where no signal reaches it.
    private static readonly TimeSpan ReadInterval = TimeSpan.FromSeconds(1);

    private static readonly ConcurrentDictionary<Guid, TaskCompletionSource> Waiting = new();
    private static int _waiting;

    /// <summary>Whether any request waits: event-driven mode never pays for the signal.</summary>
    public static bool AnyWaiting => Volatile.Read(ref _waiting) > 0;

    /// <summary>Signals the request waiting for <paramref name="reservationId"/>, if any.</summary>
    public static void Final(Guid reservationId)
    {
        if (Waiting.TryGetValue(reservationId, out var signal))
        {
            signal.TrySetResult();
        }
    }

    /// <summary>Registered before the request joins the group commit, so no outcome can commit before it is watched.</summary>
    public static Waiter Watch(Guid reservationId)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Waiting.TryAdd(reservationId, signal))
        {
            Interlocked.Increment(ref _waiting);
            return new Waiter(reservationId, signal, Owned: true);
        }

        // Another request with the same Idempotency-Key watches it already; this one reads only.
        return new Waiter(reservationId, signal, Owned: false);
    }

    internal sealed record Waiter(Guid ReservationId, TaskCompletionSource Signal, bool Owned) : IDisposable
    {
        public void Dispose()
        {
            if (Owned && Waiting.TryRemove(new KeyValuePair<Guid, TaskCompletionSource>(ReservationId, Signal)))
            {
                Interlocked.Decrement(ref _waiting);
            }
        }
    }

    /// <summary>
    /// Waits until the reservation is final (200 with it) or the timeout passes (504). Its owner
    /// is part of the read, as in <c>GET /api/reservations/{id}</c>.
    /// </summary>
    public static async Task<IResult> WaitAsync(
        HttpContext http, Waiter waiter, ServiceDatabase tickets, TicketsOptions options, TimeProvider time)
    {
        var ct = http.RequestAborted;
        var deadline = time.GetUtcNow() + options.RequestResponseTimeout;
        while (true)
        {
            await using (var connection = await tickets.OpenReadAsync(ct))
            {
                var found = await ReservationView.LoadOwnedAsync(connection, http.User.UserId(), waiter.ReservationId, ct);
                if (found.Count == 1 && found[0].Status != nameof(ReservationStatus.Pending))
                {
                    return TypedResults.Ok(found[0]);
                }
            }

            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                return Problems.Result(ProblemTypes.PaymentPending,
                    $"The payment did not finish within {options.RequestResponseTimeout.TotalSeconds:0.#} s. Reservation {waiter.ReservationId} goes on: follow it at /api/reservations/{waiter.ReservationId}.",
                    new Dictionary<string, object?> { ["reservationId"] = waiter.ReservationId });
            }

            var slice = left < ReadInterval ? left : ReadInterval;
            if (options.RequestResponseWait == RequestResponseWait.BlockThread)
            {
                // On purpose: the thread is held for the whole wait, as in a thread-per-request server.
#pragma warning disable VSTHRD002, CA1849 // The blocking wait is what this mode measures.
                waiter.Signal.Task.Wait((int)Math.Ceiling(slice.TotalMilliseconds), ct);
#pragma warning restore VSTHRD002, CA1849
            }
            else
            {
                await Task.WhenAny(waiter.Signal.Task, Task.Delay(slice, time, ct));
                ct.ThrowIfCancellationRequested();
            }
        }
    }
}
