using System.Globalization;
using System.Text;

namespace AlSafe.Interop.OpenFlow;

/// <summary>A decoded OFPT_ERROR: what the switch refused, in words, with the start of the request it refused.</summary>
public sealed class OpenFlowError
{
    /// <summary>How much of the echoed request is kept: the spec promises at least 64 bytes, which covers every
    /// fixed header a reader needs to recognise the request.</summary>
    private const int KeptData = 256;

    private const int ShownData = 32;

    private readonly byte[] _data;

    public OpenFlowError(uint xid, OpenFlowErrorType type, ushort code, uint experimenter, ReadOnlySpan<byte> data)
    {
        Xid = xid;
        Type = type;
        Code = code;
        Experimenter = experimenter;
        _data = data[..Math.Min(data.Length, KeptData)].ToArray();
        TypeName = OpenFlowErrorNames.TypeName(type);
        CodeName = OpenFlowErrorNames.CodeName(type, code, experimenter);
    }

    /// <summary>The error message's xid: that of the request it answers.</summary>
    public uint Xid { get; }

    public OpenFlowErrorType Type { get; }

    /// <summary>The code within <see cref="Type"/>, or the experimenter's own code.</summary>
    public ushort Code { get; }

    /// <summary>The experimenter id of an <see cref="OpenFlowErrorType.Experimenter"/> error; 0 otherwise.</summary>
    public uint Experimenter { get; }

    /// <summary>Such as OFPET_BAD_INSTRUCTION.</summary>
    public string TypeName { get; }

    /// <summary>Such as OFPBIC_BAD_TABLE_ID, or NXBRC_MUST_BE_ZERO for an Open vSwitch extension error.</summary>
    public string CodeName { get; }

    /// <summary>The start of the refused request (at most 256 bytes); for HELLO_FAILED, the switch's explanation.</summary>
    public ReadOnlyMemory<byte> Data => _data;

    /// <summary>The header of the refused request, when the switch echoed enough of it.</summary>
    public OpenFlowHeader? Request => Type != OpenFlowErrorType.HelloFailed && _data.Length >= OpenFlowHeader.Size
        ? new OpenFlowHeader(_data[0], (OpenFlowMessageType)_data[1], (ushort)((_data[2] << 8) | _data[3]),
            (uint)((_data[4] << 24) | (_data[5] << 16) | (_data[6] << 8) | _data[7]))
        : null;

    /// <summary>"OFPET_BAD_INSTRUCTION/OFPBIC_BAD_TABLE_ID (type 3, code 2) for OFPT_FLOW_MOD xid 0x1f, request
    /// begins 05 0e 00 68 ...".</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        text.Append(invariant, $"{TypeName}/{CodeName} (type {(ushort)Type}, code {Code}");
        if (Experimenter != 0)
        {
            text.Append(invariant, $", experimenter 0x{Experimenter:x8}");
        }

        text.Append(')');
        if (Type == OpenFlowErrorType.HelloFailed)
        {
            var message = Encoding.ASCII.GetString(_data).TrimEnd('\0').Trim();
            // Escape what is not printable: this text comes from the peer and ends up in logs.
            text.Append(": ").Append(string.Concat(message.Select(c => c is >= ' ' and < '\x7f' ? c.ToString() : $"\\x{(int)c:x2}")));
            return text.ToString();
        }

        if (Request is { } request)
        {
            text.Append(invariant, $" for {OpenFlowNames.Message(request.Type)} xid 0x{request.Xid:x}");
        }
        else
        {
            text.Append(invariant, $" for xid 0x{Xid:x}");
        }

        if (_data.Length > 0)
        {
            text.Append(", request begins ").Append(Convert.ToHexStringLower(_data.AsSpan(0, Math.Min(_data.Length, ShownData))));
            if (_data.Length > ShownData)
            {
                text.Append("...");
            }
        }

        return text.ToString();
    }
}
