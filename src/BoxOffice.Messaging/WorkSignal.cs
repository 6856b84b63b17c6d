using System.Threading.Channels;

namespace BoxOffice.Messaging;

/// <summary>
/// A wake-up for background work whose queue is the database (due payments, mails to send, users to
/// announce). Wake-ups that come before the worker looks collapse into one look (capacity one), so
/// nothing queues in memory; the fallback poll covers work that comes due by the clock alone.
/// Each module derives its own type, so that each worker has its own signal in the container.
/// </summary>
public abstract class WorkSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    /// <summary>Asks the worker to look for work now (typically from <c>ServiceTransaction.OnCommitted</c>).</summary>
    public void Wake() => _channel.Writer.TryWrite(true);

    /// <summary>Returns when woken or after <paramref name="poll"/>, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan poll, TimeProvider time, CancellationToken ct)
    {
        using var timer = new CancellationTokenSource(poll, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
        try
        {
            await _channel.Reader.WaitToReadAsync(either.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The fallback poll.
        }

        _channel.Reader.TryRead(out _);
    }
}
