namespace AlSafe.Core.Configuration;

/// <summary>
/// Reads the values of one section, adding an error (with the key's line, else the section's) for every key that is
/// unknown, missing when required, empty, or not of its form. A value in error reads as its default, so the rest of
/// the file is still checked; the caller refuses the file when <see cref="ConfigurationErrorList.Count"/> is not 0.
/// </summary>
public sealed class IniSectionReader
{
    private readonly IniSection? _section;
    private readonly ConfigurationErrorList _errors;

    public IniSectionReader(IniSection? section, string name, IReadOnlyCollection<string> knownKeys, ConfigurationErrorList errors)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(knownKeys);
        ArgumentNullException.ThrowIfNull(errors);
        _section = section;
        _errors = errors;
        Name = name;
        foreach (var entry in section?.Entries.Where(entry => !knownKeys.Contains(entry.Key)) ?? [])
        {
            errors.Add(entry.Line, name, entry.Key, $"is not a key of [{name}]: the keys are {string.Join(", ", knownKeys)}");
        }
    }

    public string Name { get; }

    public bool Has(string key) => _section?.Find(key) is not null;

    /// <summary>Adds an error about a key, at its line when it is set, else at the section's header.</summary>
    public void Error(string key, string message) =>
        _errors.Add(_section?.Find(key)?.Line ?? _section?.Line ?? 0, Name, key, message);

    /// <summary>The key's value read by <paramref name="parse"/>; false when it is not set or in error.</summary>
    public bool TryRead<T>(string key, ValueParser<T> parse, out T value)
    {
        ArgumentNullException.ThrowIfNull(parse);
        value = default!;
        if (_section?.Find(key) is not { } entry)
        {
            return false;
        }

        if (entry.Value.Length == 0)
        {
            Error(key, "has no value: give one, or remove the line to take the default");
            return false;
        }

        var error = parse(entry.Value, out value);
        if (error is null)
        {
            return true;
        }

        Error(key, error);
        value = default!;
        return false;
    }

    /// <summary>The key's value read by <paramref name="parse"/>, or an error when it is not set.</summary>
    public bool TryReadRequired<T>(string key, ValueParser<T> parse, out T value)
    {
        if (!Has(key))
        {
            Error(key, "is required");
        }

        return TryRead(key, parse, out value);
    }

    public string Path(string key, string defaultValue) =>
        TryRead<string>(key, ConfigurationValues.AbsolutePath, out var value) ? value : defaultValue;

    public string? OptionalPath(string key) =>
        TryRead<string>(key, ConfigurationValues.AbsolutePath, out var value) ? value : null;

    public string? RequiredPath(string key) =>
        TryReadRequired<string>(key, ConfigurationValues.AbsolutePath, out var value) ? value : null;

    public bool Boolean(string key, bool defaultValue) =>
        TryRead<bool>(key, ConfigurationValues.Boolean, out var value) ? value : defaultValue;

    public int Integer(string key, int defaultValue, int minimum, int maximum) =>
        TryRead(key, (string text, out int value) => ConfigurationValues.Integer(text, minimum, maximum, out value), out var read)
            ? read
            : defaultValue;

    /// <summary>A duration from <paramref name="minimum"/> to <paramref name="maximum"/>; a minimum above zero refuses 0.</summary>
    public TimeSpan Duration(string key, TimeSpan defaultValue, TimeSpan minimum, TimeSpan maximum) =>
        OptionalDuration(key, minimum, maximum) ?? defaultValue;

    public TimeSpan? OptionalDuration(string key, TimeSpan minimum, TimeSpan maximum) =>
        TryRead(key, (string text, out TimeSpan value) => DurationIn(text, minimum, maximum, out value), out var read)
            ? read
            : null;

    /// <summary>One of <paramref name="choices"/>, exactly as written there.</summary>
    public string? OptionalChoice(string key, params IReadOnlyList<string> choices) =>
        TryRead(key, (string text, out string value) =>
        {
            value = text;
            return choices.Contains(text) ? null : $"{ConfigurationValues.Quote(text)} is not one of {string.Join(", ", choices)}";
        }, out var read)
            ? read
            : null;

    private static string? DurationIn(string text, TimeSpan minimum, TimeSpan maximum, out TimeSpan value)
    {
        var error = ConfigurationValues.Duration(text, out value);
        if (error is not null || (value >= minimum && value <= maximum))
        {
            return error;
        }

        return value == TimeSpan.Zero && minimum > TimeSpan.Zero
            ? $"{ConfigurationValues.Quote(text)} must be positive"
            : $"{ConfigurationValues.Quote(text)} is out of range: from {ConfigurationValues.FormatDuration(minimum)} to {ConfigurationValues.FormatDuration(maximum)}";
    }
}
