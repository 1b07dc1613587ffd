namespace AlSafe.Core.Configuration;

/// <summary>
/// Validates a parsed file against what its reader expects: the parser's errors are kept, an unknown section is an
/// error (a misspelt section must not be silently ignored, leaving its settings at their defaults), and each known
/// section is handed out as an <see cref="IniSectionReader"/> adding to the same errors.
/// </summary>
public sealed class IniDocumentReader
{
    private readonly IniDocument _document;

    public IniDocumentReader(IniParseResult parsed, IReadOnlyCollection<string> knownSections)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        ArgumentNullException.ThrowIfNull(knownSections);
        _document = parsed.Document;
        Errors = new ConfigurationErrorList(_document.Path);
        Errors.AddRange(parsed.Errors);
        foreach (var section in _document.Sections.Where(section => !knownSections.Contains(section.Name)))
        {
            Errors.Add(section.Line, section.Name, null,
                $"is not a section of this file: the sections are {string.Join(", ", knownSections.Select(name => $"[{name}]"))}");
        }
    }

    public string Path => _document.Path;

    public ConfigurationErrorList Errors { get; }

    /// <summary>A section's reader; a section the file lacks reads as empty (every key at its default).</summary>
    public IniSectionReader Section(string name, IReadOnlyCollection<string> knownKeys) =>
        new(_document.Find(name), name, knownKeys, Errors);

    public bool Has(string section) => _document.Find(section) is not null;
}
