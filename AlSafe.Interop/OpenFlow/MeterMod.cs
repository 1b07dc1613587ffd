namespace AlSafe.Interop.OpenFlow;

/// <summary>An OFPT_METER_MOD (the same layout in 1.3 to 1.5): adds, changes or deletes one meter.</summary>
public sealed record MeterMod
{
    private readonly IReadOnlyList<MeterDropBand> _bands = [];

    public MeterModCommand Command { get; init; }

    public MeterFlags Flags { get; init; }

    /// <summary>1 to 0xffff0000; the reserved ids above are the switch's own.</summary>
    public uint MeterId { get; init; }

    public IReadOnlyList<MeterDropBand> Bands
    {
        get => _bands;
        init => _bands = [.. value ?? throw new ArgumentNullException(nameof(value))];
    }

    public bool Equals(MeterMod? other) =>
        other is not null && Command == other.Command && Flags == other.Flags && MeterId == other.MeterId && Bands.SequenceEqual(other.Bands);

    public override int GetHashCode() => HashCode.Combine(Command, Flags, MeterId, Bands.Count);
}
