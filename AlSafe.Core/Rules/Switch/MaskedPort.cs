namespace AlSafe.Core.Rules.Switch;

/// <summary>A transport port match: the bits under <paramref name="Mask"/> must equal <paramref name="Value"/>.</summary>
public readonly record struct MaskedPort(ushort Value, ushort Mask)
{
    public static MaskedPort Exact(ushort port) => new(port, ushort.MaxValue);

    public bool IsExact => Mask == ushort.MaxValue;
}
