namespace AlSafe.Core.Rules.Switch;

/// <summary>
/// Connection-tracking state bits; the values are Open vSwitch's own (ct_state on the wire), so the later native
/// encoder writes them unchanged.
/// </summary>
[Flags]
public enum ConntrackStates : byte
{
    None = 0,
    New = 0x01,
    Established = 0x02,
    Related = 0x04,
    Reply = 0x08,
    Invalid = 0x10,
    Tracked = 0x20,
}
