namespace AlSafe.Core.Whitelist;

/// <summary>An inclusive range of transport ports; <see cref="Any"/> is the whitelist's <c>*</c>.</summary>
public readonly record struct PortRange(ushort First, ushort Last)
{
    public static PortRange Any { get; } = new(0, ushort.MaxValue);

    public static PortRange Single(ushort port) => new(port, port);

    public bool IsAny => First == 0 && Last == ushort.MaxValue;

    public bool IsSingle => First == Last;

    public bool Contains(ushort port) => port >= First && port <= Last;

    public override string ToString() => IsAny ? "*" : IsSingle ? First.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{First}-{Last}";
}
