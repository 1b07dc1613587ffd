namespace AlSafe.Interop.Ovsdb;

/// <summary>The atomic types of OVSDB (RFC 7047 section 3.1).</summary>
public enum OvsdbAtomKind
{
    String,
    Integer,
    Real,
    Boolean,
    Uuid,
}
