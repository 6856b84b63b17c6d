using System.Globalization;

namespace BoxOffice.LoadTest;

/// <summary>
/// A verb's <c>--name value</c> options. A later occurrence wins, so a scenario's preset can be
/// overridden by options written after it. Every option a verb reads is remembered, and
/// <see cref="ThrowOnUnknown"/> refuses the others: a mistyped option must not silently run the defaults.
/// </summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public Arguments(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal) || name.Length < 3)
            {
                throw new UsageException($"Unexpected argument '{name}': options are written --name value.");
            }

            if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"Option {name} needs a value.");
            }

            _values[name] = args[++i];
        }
    }

    public string? Text(string name)
    {
        _read.Add(name);
        return _values.GetValueOrDefault(name);
    }

    public string Text(string name, string fallback) => Text(name) ?? fallback;

    public int Int(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        var text = Text(name);
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new UsageException($"{name} takes a whole number from {min} to {max}, not '{text}'.");
    }

    public double Double(string name, double fallback, double min, double max)
    {
        var text = Text(name);
        if (text is null)
        {
            return fallback;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new UsageException($"{name} takes a number from {min} to {max}, not '{text}'.");
    }

    /// <summary>A duration: <c>200ms</c>, <c>10s</c>, <c>2m</c>, or plain seconds.</summary>
    public TimeSpan Duration(string name, TimeSpan fallback)
    {
        var text = Text(name);
        return text is null ? fallback : ParseDuration(name, text);
    }

    public static TimeSpan ParseDuration(string name, string text)
    {
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : (text, 1.0);
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? TimeSpan.FromSeconds(value * unit)
            : throw new UsageException($"{name} takes a duration such as 200ms, 10s or 2m, not '{text}'.");
    }

    public T Choice<T>(string name, T fallback)
        where T : struct, Enum
    {
        var text = Text(name);
        if (text is null)
        {
            return fallback;
        }

        return Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value)
            ? value
            : throw new UsageException($"{name} is one of {string.Join(", ", Enum.GetNames<T>())}, not '{text}'.");
    }

    /// <summary>Refuses any option no reader asked for (call it after reading them all).</summary>
    public void ThrowOnUnknown()
    {
        var unknown = _values.Keys.Where(k => !_read.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException($"Unknown option{(unknown.Count > 1 ? "s" : "")}: {string.Join(", ", unknown)}.");
        }
    }
}

/// <summary>A command line the tool cannot run; its message says why.</summary>
internal sealed class UsageException(string message) : Exception(message);
