using BoxOffice.Messaging.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BoxOffice.Messaging;

/// <summary>
/// The one loop for background work whose queue is the database (holds to expire, payments to
/// charge, mails to send, users to announce): do the due work, then wait for the
/// <see cref="WorkSignal"/> or the poll, whichever comes first, and start again.
/// <list type="bullet">
/// <item>The work runs first thing at start-up, so what came due while the process was down is done.</item>
/// <item>A round that reports more due work at once (a full batch) is followed by the next without waiting.</item>
/// <item>A round that throws is logged and retried after a backoff (<see cref="MessagingOptions.InitialBackoff"/>
/// ×4 per failure in a row, up to <see cref="MessagingOptions.MaxBackoff"/>); wake-ups meanwhile are kept
/// for after it, never cut it short. The first round that succeeds again is logged and resets the backoff.</item>
/// <item>Stopping (the token) ends the loop quietly, whether it is working or waiting.</item>
/// </list>
/// The poll is <see cref="MessagingOptions.WorkPoll"/> unless the derived loop gives its own: it
/// covers work that comes due by the clock alone (a retry's time) and writes by other processes.
/// A derived loop gives its <see cref="Signal"/> and its <see cref="Poll"/> as overrides, so the
/// dependencies its work uses are never also passed to this constructor.
/// </summary>
public abstract partial class WorkLoop : BackgroundService
{
    private readonly string _work;
    private readonly MessagingOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly StorageSpace _space;

    /// <summary>Sets up the loop.</summary>
    /// <param name="work">What the loop does, for the log ("Expiring holds").</param>
    /// <param name="services">The messaging settings, the clock and the loggers (failures are logged in the derived type's category).</param>
    protected WorkLoop(string work, WorkLoopServices services)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(work);
        ArgumentNullException.ThrowIfNull(services);
        _work = work;
        _options = services.Options;
        _time = services.Time;
        _logger = services.Loggers.CreateLogger(GetType());
        _space = services.Space;
    }

    /// <summary>
    /// For work the loop runs in the background of its rounds: true when <paramref name="error"/> is a
    /// full disk, which the storage watch then says once, so the caller does not log it per item.
    /// </summary>
    protected bool RefusedForSpace(Exception error) => _space.Refused(error, _work);

    /// <summary>For work the loop runs in the background of its rounds: it wrote, so there is space again.</summary>
    protected void Wrote() => _space.Wrote(_work);

    /// <summary>The wake-up the loop waits for besides the poll; none by default (a loop that only polls).</summary>
    protected virtual WorkSignal? Signal => null;

    /// <summary>
    /// The longest the loop waits for a wake-up before it looks again: <see cref="MessagingOptions.WorkPoll"/>
    /// unless the derived loop works on a schedule of its own.
    /// </summary>
    protected virtual TimeSpan Poll => _options.WorkPoll;

    /// <summary>
    /// Does one round of due work. Exceptions other than cancellation by <paramref name="ct"/> are
    /// logged and retried after a backoff.
    /// </summary>
    /// <param name="ct">Cancelled when the host stops.</param>
    /// <returns>True when more work is due at once (a full batch): the loop goes again without waiting.</returns>
    protected abstract Task<bool> DoDueWorkAsync(CancellationToken ct);

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => RunAsync(stoppingToken);

    /// <summary>The loop itself, until <paramref name="ct"/> is cancelled; it throws only for a poll that is not positive.</summary>
    internal async Task RunAsync(CancellationToken ct)
    {
        var poll = Poll;
        var signal = Signal;
        if (poll <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{_work}: the poll must be positive, not {poll}.");
        }

        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            bool more;
            try
            {
                more = await DoDueWorkAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                failures++;
                // The same curve as a consumer's retries: 100 ms, 400 ms, 1.6 s, then capped (5 s) by default.
                var delay = _options.BackoffBefore(failures + 1);
                // A full disk is said once by the storage watch; the loop waits for space, backing off.
                if (_space.Refused(ex, _work))
                {
                    LogWaitingForSpace(_work, failures, delay);
                }
                else
                {
                    LogFailed(ex, _work, failures, delay);
                }

                if (!await PauseAsync(Task.Delay(delay, _time, ct)))
                {
                    break;
                }

                continue;
            }

            if (failures > 0)
            {
                LogRecovered(_work, failures);
                _space.Wrote(_work);
                failures = 0;
            }

            if (more)
            {
                continue;
            }

            var wait = signal is null ? Task.Delay(poll, _time, ct) : signal.WaitAsync(poll, _time, ct);
            if (!await PauseAsync(wait))
            {
                break;
            }
        }
    }

    /// <summary>Waits; false when the wait ended because the host is stopping.</summary>
    private static async Task<bool> PauseAsync(Task wait)
    {
        try
        {
            await wait;
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Work} failed ({Failures} in a row); trying again in {Delay}")]
    private partial void LogFailed(Exception error, string work, int failures, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Work} waits for storage space ({Failures} tries in a row); trying again in {Delay}")]
    private partial void LogWaitingForSpace(string work, int failures, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Work} works again; failed rounds before: {Failures}")]
    private partial void LogRecovered(string work, int failures);
}

/// <summary>
/// What every <see cref="WorkLoop"/> takes from the messaging core: its settings (the poll and the
/// backoff), the clock and the loggers. Registered by <c>AddMessaging</c>.
/// </summary>
/// <param name="options">The messaging settings.</param>
/// <param name="time">The clock every wait is measured by.</param>
/// <param name="loggers">Where loops log their failures.</param>
/// <param name="space">The process's watch over its storage (a full disk is said once there); one of the loop's own when not given.</param>
public sealed class WorkLoopServices(IOptions<MessagingOptions> options, TimeProvider time, ILoggerFactory loggers, StorageSpace? space = null)
{
    internal StorageSpace Space { get; } = space ?? StorageSpace.Unwatched();

    internal MessagingOptions Options => options.Value;

    internal TimeProvider Time => time;

    internal ILoggerFactory Loggers => loggers;
}
