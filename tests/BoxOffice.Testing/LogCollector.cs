using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace BoxOffice.Testing;

/// <summary>
/// A logger provider that keeps what an application logs at <paramref name="minimum"/> or above
/// (warnings and errors unless told), to check what an operator is told. Add it with
/// <c>builder.Logging.AddProvider(new LogCollector())</c>; the host's logging filters still apply.
/// </summary>
/// <param name="minimum">The lowest level kept.</param>
public sealed class LogCollector(LogLevel minimum = LogLevel.Warning) : ILoggerProvider, ILogger
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message)> _entries = new();

    /// <summary>What was logged at the minimum level or above, in order.</summary>
    public IReadOnlyCollection<(LogLevel Level, string Message)> Entries => _entries;

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => this;

    /// <inheritdoc />
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    /// <inheritdoc />
    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

    /// <inheritdoc />
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (IsEnabled(logLevel))
        {
            _entries.Enqueue((logLevel, formatter(state, exception)));
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
