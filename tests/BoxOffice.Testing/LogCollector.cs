using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace BoxOffice.Testing;

/// <summary>
/// A logger provider that keeps the warnings and errors an application logs, to check what an
/// operator is told. Add it with <c>builder.Logging.AddProvider(new LogCollector())</c>.
/// </summary>
public sealed class LogCollector : ILoggerProvider, ILogger
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message)> _entries = new();

    /// <summary>What was logged at warning level or above, in order.</summary>
    public IReadOnlyCollection<(LogLevel Level, string Message)> Entries => _entries;

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => this;

    /// <inheritdoc />
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    /// <inheritdoc />
    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

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
