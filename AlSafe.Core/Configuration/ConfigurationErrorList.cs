namespace AlSafe.Core.Configuration;

/// <summary>
/// The errors found in one file so far, at most <see cref="ConfigurationLimits.MaxErrors"/>. Readers keep going after
/// an error so that an operator sees every mistake of a file at once, not one per restart.
/// </summary>
public sealed class ConfigurationErrorList
{
    private readonly List<ConfigurationError> _errors = [];

    public ConfigurationErrorList(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        File = file;
    }

    public string File { get; }

    public int Count => _errors.Count;

    public void Add(int line, string? section, string? key, string message) => Add(new ConfigurationError(File, line, section, key, message));

    public void Add(ConfigurationError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (_errors.Count < ConfigurationLimits.MaxErrors)
        {
            _errors.Add(error);
        }
    }

    public void AddRange(IEnumerable<ConfigurationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        foreach (var error in errors)
        {
            Add(error);
        }
    }

    /// <summary>The errors in line order (errors about the whole file first), in the order found within a line.</summary>
    public IReadOnlyList<ConfigurationError> ToList() => [.. _errors.OrderBy(error => error.Line)];

    /// <exception cref="ConfigurationException">Some error was found.</exception>
    public void ThrowIfAny()
    {
        if (_errors.Count > 0)
        {
            throw new ConfigurationException(ToList());
        }
    }
}
