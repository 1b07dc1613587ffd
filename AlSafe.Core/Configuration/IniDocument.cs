namespace AlSafe.Core.Configuration;

/// <summary>A parsed INI file: its sections in file order, each name at most once.</summary>
public sealed class IniDocument
{
    public IniDocument(string path, IReadOnlyList<IniSection> sections)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(sections);
        Path = path;
        Sections = sections;
    }

    public string Path { get; }

    public IReadOnlyList<IniSection> Sections { get; }

    public IniSection? Find(string name) => Sections.FirstOrDefault(section => section.Name == name);
}
