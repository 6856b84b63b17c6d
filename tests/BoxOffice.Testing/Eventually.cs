using Xunit;

namespace BoxOffice.Testing;

/// <summary>Polls for something that happens in the background, and fails the test if it does not happen in time.</summary>
public static class Eventually
{
    /// <summary>
    /// How long the helpers wait when a call gives no timeout: 15 seconds unless a test project sets
    /// its own (once, before its tests run, for example from a module initializer).
    /// </summary>
    public static TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Polls (every 20 ms) until the condition holds, or fails the test after the timeout.</summary>
    /// <typeparam name="T">What is read.</typeparam>
    /// <param name="read">Reads the current value.</param>
    /// <param name="condition">Whether the value is the one waited for.</param>
    /// <param name="what">The awaited state, for the failure message ("the mail is sent").</param>
    /// <param name="timeout">How long to wait; <see cref="DefaultTimeout"/> when null.</param>
    /// <returns>The first value that satisfied the condition.</returns>
    public static async Task<T> HoldsAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var value = await read();
            if (condition(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what}; last seen: {value}");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Polls (every 20 ms) a synchronous read until the condition holds, or fails the test after the timeout.</summary>
    /// <typeparam name="T">What is read.</typeparam>
    /// <param name="read">Reads the current value.</param>
    /// <param name="condition">Whether the value is the one waited for.</param>
    /// <param name="what">The awaited state, for the failure message.</param>
    /// <param name="timeout">How long to wait; <see cref="DefaultTimeout"/> when null.</param>
    /// <returns>The first value that satisfied the condition.</returns>
    public static Task<T> HoldsAsync<T>(Func<T> read, Func<T, bool> condition, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        return HoldsAsync(() => Task.FromResult(read()), condition, what, timeout);
    }

    /// <summary>Waits (checking every 10 ms) until the condition holds, or fails the test after the timeout.</summary>
    /// <param name="condition">Whether the awaited state has been reached.</param>
    /// <param name="what">The awaited state, for the failure message.</param>
    /// <param name="timeout">How long to wait; <see cref="DefaultTimeout"/> when null.</param>
    /// <returns>A task that completes once the condition holds.</returns>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }

            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }
}
