using System.Globalization;

namespace AlSafe.Interop.OpenFlow;

/// <summary>An action this codec has no model for, kept byte for byte so a flow read from the switch can be
/// compared and sent back unchanged.</summary>
public sealed record RawAction : OpenFlowAction
{
    private readonly byte[] _body;

    /// <param name="type">The ofp_action_type (0xffff for experimenter actions).</param>
    /// <param name="body">Everything after the 4-byte type and length, padding included (for an experimenter
    /// action: the experimenter id first).</param>
    public RawAction(ushort type, ReadOnlySpan<byte> body)
    {
        if ((body.Length + 4) % 8 != 0 || body.Length + 4 > ushort.MaxValue)
        {
            throw new ArgumentException($"an action of {body.Length + 4} bytes is not a whole number of 8-byte units", nameof(body));
        }

        Type = type;
        _body = body.ToArray();
    }

    public ushort Type { get; }

    public ReadOnlyMemory<byte> Body => _body;

    internal ReadOnlySpan<byte> BodySpan => _body;

    public bool Equals(RawAction? other) => other is not null && Type == other.Type && _body.AsSpan().SequenceEqual(other._body);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Type);
        hash.AddBytes(_body);
        return hash.ToHashCode();
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"raw(type=0x{Type:x4},0x{Convert.ToHexStringLower(_body)})");
}
