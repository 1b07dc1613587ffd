using System.Globalization;

namespace AlSafe.Interop.OpenFlow;

/// <summary>An instruction this codec has no model for (write_metadata, meter, experimenter), kept byte for byte.</summary>
public sealed record RawInstruction : OpenFlowInstruction
{
    private readonly byte[] _body;

    /// <param name="body">Everything after the 4-byte type and length.</param>
    public RawInstruction(ushort type, ReadOnlySpan<byte> body)
    {
        if ((body.Length + 4) % 8 != 0 || body.Length + 4 > ushort.MaxValue)
        {
            throw new ArgumentException($"an instruction of {body.Length + 4} bytes is not a whole number of 8-byte units", nameof(body));
        }

        Type = type;
        _body = body.ToArray();
    }

    public ushort Type { get; }

    public ReadOnlyMemory<byte> Body => _body;

    internal ReadOnlySpan<byte> BodySpan => _body;

    public bool Equals(RawInstruction? other) => other is not null && Type == other.Type && _body.AsSpan().SequenceEqual(other._body);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Type);
        hash.AddBytes(_body);
        return hash.ToHashCode();
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"instruction(type={Type},0x{Convert.ToHexStringLower(_body)})");
}
