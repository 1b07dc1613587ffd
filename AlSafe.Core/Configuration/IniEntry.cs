namespace AlSafe.Core.Configuration;

/// <summary>One <c>key = value</c> line: the value without the blanks around it, possibly empty.</summary>
public sealed record IniEntry(string Key, string Value, int Line);
