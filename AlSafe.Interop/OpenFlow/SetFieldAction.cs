namespace AlSafe.Interop.OpenFlow;

/// <summary>OFPAT_SET_FIELD: overwrite a header field (or, nested in ct(commit), ct_mark/ct_label). The field must
/// not carry a mask.</summary>
public sealed record SetFieldAction : OpenFlowAction
{
    public SetFieldAction(OxmField field)
    {
        ArgumentNullException.ThrowIfNull(field);
        Field = field;
    }

    public OxmField Field { get; }

    public override string ToString() => $"set_field:{Field}";
}
