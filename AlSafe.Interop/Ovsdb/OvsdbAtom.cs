using System.Globalization;

namespace AlSafe.Interop.Ovsdb;

/// <summary>One OVSDB atom: a string, integer, real, boolean or row UUID.</summary>
public readonly record struct OvsdbAtom
{
    private readonly string? _string;
    private readonly long _integer;
    private readonly double _real;
    private readonly Guid _uuid;

    private OvsdbAtom(OvsdbAtomKind kind, string? text = null, long integer = 0, double real = 0, Guid uuid = default)
    {
        Kind = kind;
        _string = text;
        _integer = integer;
        _real = real;
        _uuid = uuid;
    }

    public OvsdbAtomKind Kind { get; }

    public static OvsdbAtom FromString(string value) => new(OvsdbAtomKind.String, text: value);

    public static OvsdbAtom FromInteger(long value) => new(OvsdbAtomKind.Integer, integer: value);

    public static OvsdbAtom FromReal(double value) => new(OvsdbAtomKind.Real, real: value);

    public static OvsdbAtom FromBoolean(bool value) => new(OvsdbAtomKind.Boolean, integer: value ? 1 : 0);

    public static OvsdbAtom FromUuid(Guid value) => new(OvsdbAtomKind.Uuid, uuid: value);

    /// <exception cref="OvsdbException">The atom is of another kind.</exception>
    public string AsString() => Kind == OvsdbAtomKind.String ? _string! : throw Mismatch(OvsdbAtomKind.String);

    public long AsInteger() => Kind == OvsdbAtomKind.Integer ? _integer : throw Mismatch(OvsdbAtomKind.Integer);

    public double AsReal() => Kind == OvsdbAtomKind.Real ? _real : throw Mismatch(OvsdbAtomKind.Real);

    public bool AsBoolean() => Kind == OvsdbAtomKind.Boolean ? _integer != 0 : throw Mismatch(OvsdbAtomKind.Boolean);

    public Guid AsUuid() => Kind == OvsdbAtomKind.Uuid ? _uuid : throw Mismatch(OvsdbAtomKind.Uuid);

    public override string ToString() => Kind switch
    {
        OvsdbAtomKind.String => _string!,
        OvsdbAtomKind.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        OvsdbAtomKind.Real => _real.ToString("R", CultureInfo.InvariantCulture),
        OvsdbAtomKind.Boolean => _integer != 0 ? "true" : "false",
        _ => _uuid.ToString("D", CultureInfo.InvariantCulture),
    };

    private OvsdbException Mismatch(OvsdbAtomKind wanted) =>
        new($"expected an OVSDB {wanted} atom, found {Kind} {ToString()}");
}
