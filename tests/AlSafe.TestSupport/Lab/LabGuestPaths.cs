namespace AlSafe.TestSupport.Lab;

/// <summary>Where a running guest's files are, as printed by guest.sh paths (key=value lines).</summary>
internal sealed record LabGuestPaths(string Memory, string Qmp, string SerialLog, string CommandSocket, string PidFile)
{
    public static LabGuestPaths Parse(string text)
    {
        var values = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);
        string Get(string key) => values.TryGetValue(key, out var value)
            ? value
            : throw new LabException($"guest.sh paths printed no {key}=: {text}");
        return new LabGuestPaths(Get("ram"), Get("qmp"), Get("serial"), Get("command"), Get("pid"));
    }
}
