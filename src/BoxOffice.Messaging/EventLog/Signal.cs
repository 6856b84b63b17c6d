namespace BoxOffice.Messaging.EventLog;

/// <summary>
/// A wake-up that waiters take before they look for work and await after finding none, so a
/// notification between the look and the wait is never lost.
/// </summary>
internal sealed class Signal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Next => Volatile.Read(ref _next).Task;

    public void Notify() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
