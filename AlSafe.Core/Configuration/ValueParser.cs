namespace AlSafe.Core.Configuration;

/// <summary>Reads one configuration value: null and the value, or the reason the text is not one (without the key,
/// which the error names).</summary>
public delegate string? ValueParser<T>(string text, out T value);
