namespace AlSafe.Daemon.Cli;

/// <summary>
/// A strict reader of <c>--name value</c> and <c>--flag</c> arguments: an unknown option, a missing value or a
/// repeated option is a usage error naming it, never silently ignored.
/// </summary>
public sealed class OptionReader
{
    private readonly Dictionary<string, string?> _given = new(StringComparer.Ordinal);
    private readonly List<string> _positional = [];

    /// <param name="valued">Options that take a value.</param>
    /// <param name="flags">Options that stand alone.</param>
    public OptionReader(IReadOnlyList<string> args, IEnumerable<string> valued, IEnumerable<string> flags)
    {
        var takesValue = valued.ToHashSet(StringComparer.Ordinal);
        var isFlag = flags.ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal))
            {
                _positional.Add(a);
                continue;
            }

            if (!takesValue.Contains(a) && !isFlag.Contains(a))
            {
                throw new UsageException($"unknown option {a}");
            }

            if (_given.ContainsKey(a))
            {
                throw new UsageException($"option {a} given twice");
            }

            if (isFlag.Contains(a))
            {
                _given[a] = null;
            }
            else if (i + 1 < args.Count)
            {
                _given[a] = args[++i];
            }
            else
            {
                throw new UsageException($"option {a} needs a value");
            }
        }
    }

    public IReadOnlyList<string> Positional => _positional;

    public bool Has(string option) => _given.ContainsKey(option);

    public string? Value(string option) => _given.GetValueOrDefault(option);

    public string Required(string option) => Value(option) ?? throw new UsageException($"option {option} is required");

    public int Int(string option, int fallback, int min, int max)
    {
        if (Value(option) is not { } text)
        {
            return fallback;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v)
               && v >= min && v <= max
            ? v
            : throw new UsageException($"option {option} takes a whole number from {min} to {max}, not '{text}'");
    }
}
