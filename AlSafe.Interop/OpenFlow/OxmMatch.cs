using System.Buffers.Binary;

namespace AlSafe.Interop.OpenFlow;

/// <summary>
/// An OXM match (OFPMT_OXM): the fields a packet must have. Equality ignores field order, because a switch
/// returns a flow's fields in its own canonical order, not in the order they were sent.
/// </summary>
public sealed class OxmMatch : IEquatable<OxmMatch>
{
    public OxmMatch(IEnumerable<OxmField> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        Fields = [.. fields];
        foreach (var field in Fields)
        {
            ArgumentNullException.ThrowIfNull(field, nameof(fields));
        }
    }

    /// <summary>Matches every packet.</summary>
    public static OxmMatch Any { get; } = new([]);

    public IReadOnlyList<OxmField> Fields { get; }

    /// <summary>The in_port field's port, if the match has one (packet-ins always do).</summary>
    public uint? InPort
    {
        get
        {
            var inPort = Find(OxmClass.OpenFlowBasic, 0);
            return inPort is { HasMask: false, Value.Length: 4 } ? BinaryPrimitives.ReadUInt32BigEndian(inPort.Value.Span) : null;
        }
    }

    public OxmField? Find(ushort oxmClass, byte field, uint experimenter = 0)
    {
        foreach (var candidate in Fields)
        {
            if (candidate.Class == oxmClass && candidate.Field == field && candidate.Experimenter == experimenter)
            {
                return candidate;
            }
        }

        return null;
    }

    public bool Equals(OxmMatch? other)
    {
        if (other is null || other.Fields.Count != Fields.Count)
        {
            return false;
        }

        // Matches are a handful of fields: a quadratic scan beats building sets.
        var used = other.Fields.Count <= 64 ? stackalloc bool[other.Fields.Count] : new bool[other.Fields.Count];
        foreach (var field in Fields)
        {
            var found = false;
            for (var i = 0; i < other.Fields.Count && !found; i++)
            {
                if (!used[i] && field.Equals(other.Fields[i]))
                {
                    used[i] = true;
                    found = true;
                }
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as OxmMatch);

    public override int GetHashCode()
    {
        // Order-independent, to agree with Equals.
        var hash = 0;
        foreach (var field in Fields)
        {
            hash ^= field.GetHashCode();
        }

        return HashCode.Combine(Fields.Count, hash);
    }

    public static bool operator ==(OxmMatch? left, OxmMatch? right) => left?.Equals(right) ?? right is null;

    public static bool operator !=(OxmMatch? left, OxmMatch? right) => !(left == right);

    public override string ToString() => Fields.Count == 0 ? "any" : string.Join(",", Fields);
}
