namespace AlSafe.Core.Profiles.Isf;

/// <summary>Placeholder replaced by the ISF importer work in progress; it exists so that callers compile.</summary>
public static class IsfImporter
{
    public static KernelProfile Import(ReadOnlySpan<byte> json, string origin) =>
        throw new NotSupportedException($"{origin}: ISF import is not built yet");
}
