namespace AlSafe.Core.Configuration;

/// <summary>A configuration file was refused; <see cref="Errors"/> holds every reason found, one per message line.</summary>
public sealed class ConfigurationException : Exception
{
    public ConfigurationException(IReadOnlyList<ConfigurationError> errors)
        : base(string.Join('\n', errors ?? throw new ArgumentNullException(nameof(errors))))
    {
        if (errors.Count == 0)
        {
            throw new ArgumentException("a refused configuration needs at least one error", nameof(errors));
        }

        Errors = errors;
    }

    public IReadOnlyList<ConfigurationError> Errors { get; }
}
