namespace AlSafe.Interop.OpenFlow;

/// <summary>ofp_meter_mod_command.</summary>
public enum MeterModCommand : ushort
{
    /// <summary>Refused with OFPMMFC_METER_EXISTS when the meter is there.</summary>
    Add = 0,

    /// <summary>Refused with OFPMMFC_UNKNOWN_METER when the meter is not there.</summary>
    Modify = 1,

    Delete = 2,
}
