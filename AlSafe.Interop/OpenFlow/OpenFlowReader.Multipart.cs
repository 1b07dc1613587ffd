namespace AlSafe.Interop.OpenFlow;

public ref partial struct OpenFlowReader
{
    private const ushort MultipartFlow = 1;
    private const ushort MultipartMore = 1;
    private const ushort OxsClassBasic = 0x8002;
    private const byte OxsDuration = 0;
    private const byte OxsPacketCount = 4;
    private const byte OxsByteCount = 5;

    public FlowStatsRequest ReadFlowStatsRequest()
    {
        Expect(OpenFlowMessageType.MultipartRequest);
        _ = BodyVersion;
        ExpectMultipartType(_body.U16());
        _body.Skip(6);
        var table = _body.U8();
        _body.Skip(3);
        var outPort = _body.U32();
        var outGroup = _body.U32();
        _body.Skip(4);
        var cookie = _body.U64();
        var cookieMask = _body.U64();
        return new FlowStatsRequest
        {
            TableId = table,
            OutPort = outPort,
            OutGroup = outGroup,
            Cookie = cookie,
            CookieMask = cookieMask,
            Match = ReadMatch(ref _body),
        };
    }

    /// <summary>Decodes the flows of one OFPMP_FLOW reply into <paramref name="entries"/>.</summary>
    /// <returns>Whether more replies with the same xid follow (OFPMPF_REPLY_MORE).</returns>
    public bool ReadFlowStatsReply(ICollection<FlowStatsEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Expect(OpenFlowMessageType.MultipartReply);
        var version = BodyVersion;
        ExpectMultipartType(_body.U16());
        var more = (_body.U16() & MultipartMore) != 0;
        _body.Skip(4);
        while (!_body.IsEmpty)
        {
            var length = _body.U16();
            // Each entry is at least its fixed part; a tiny length would stall the loop or misalign the next entry.
            if (length < 8)
            {
                throw OpenFlowException.Violation($"flow statistics entry at offset {_body.Position - 2} has length {length}");
            }

            var entry = _body.Slice(length - 2, "flow statistics entry");
            entries.Add(version >= OpenFlowVersion.OpenFlow15 ? ReadFlowDesc(ref entry) : ReadFlowStats(ref entry, version));
        }

        return more;
    }

    private static void ExpectMultipartType(ushort type)
    {
        if (type != MultipartFlow)
        {
            throw OpenFlowException.Violation($"multipart message of type {type} where OFPMP_FLOW (1) was expected");
        }
    }

    /// <summary>ofp_flow_stats (1.3, 1.4) after its length field.</summary>
    private static FlowStatsEntry ReadFlowStats(ref WireCursor entry, OpenFlowVersion version)
    {
        var table = entry.U8();
        entry.Skip(1);
        var seconds = entry.U32();
        var nanoseconds = entry.U32();
        var priority = entry.U16();
        var idle = entry.U16();
        var hard = entry.U16();
        var flags = (FlowModFlags)entry.U16();
        var importance = entry.U16();
        entry.Skip(2);
        var cookie = entry.U64();
        var packets = entry.U64();
        var bytes = entry.U64();
        var flow = new FlowMod
        {
            TableId = table,
            Priority = priority,
            IdleTimeout = idle,
            HardTimeout = hard,
            Flags = flags,
            Importance = version >= OpenFlowVersion.OpenFlow14 ? importance : (ushort)0,
            Cookie = cookie,
            Match = ReadMatch(ref entry),
            Instructions = ReadInstructions(ref entry),
        };
        return new FlowStatsEntry(flow, Duration(seconds, nanoseconds), packets, bytes);
    }

    /// <summary>ofp_flow_desc (1.5) after its length field: counters moved into an OXS ofp_stats block between the
    /// match and the instructions.</summary>
    private static FlowStatsEntry ReadFlowDesc(ref WireCursor entry)
    {
        entry.Skip(2);
        var table = entry.U8();
        entry.Skip(1);
        var priority = entry.U16();
        var idle = entry.U16();
        var hard = entry.U16();
        var flags = (FlowModFlags)entry.U16();
        var importance = entry.U16();
        var cookie = entry.U64();
        var match = ReadMatch(ref entry);
        var (duration, packets, bytes) = ReadOxsStats(ref entry);
        var flow = new FlowMod
        {
            TableId = table,
            Priority = priority,
            IdleTimeout = idle,
            HardTimeout = hard,
            Flags = flags,
            Importance = importance,
            Cookie = cookie,
            Match = match,
            Instructions = ReadInstructions(ref entry),
        };
        return new FlowStatsEntry(flow, duration, packets, bytes);
    }

    private static (TimeSpan Duration, ulong Packets, ulong Bytes) ReadOxsStats(ref WireCursor entry)
    {
        var start = entry.Position;
        entry.Skip(2);
        var length = entry.U16();
        if (length < 4)
        {
            throw OpenFlowException.Violation($"OXS statistics block has length {length}, shorter than its header");
        }

        var stats = entry.Slice(length - 4, "OXS statistics");
        entry.SkipPaddingFrom(start);
        var duration = TimeSpan.Zero;
        ulong packets = 0, bytes = 0;
        while (!stats.IsEmpty)
        {
            var header = stats.U32();
            var oxsClass = (ushort)(header >> 16);
            var field = (byte)((header >> 9) & 0x7f);
            var value = stats.Slice((int)(header & 0xff), "OXS statistic");
            if (oxsClass != OxsClassBasic || value.Remaining != 8)
            {
                continue;
            }

            switch (field)
            {
                case OxsDuration:
                    var seconds = value.U32();
                    duration = Duration(seconds, value.U32());
                    break;
                case OxsPacketCount:
                    packets = value.U64();
                    break;
                case OxsByteCount:
                    bytes = value.U64();
                    break;
            }
        }

        return (duration, packets, bytes);
    }

    private static TimeSpan Duration(uint seconds, uint nanoseconds) =>
        TimeSpan.FromSeconds(seconds) + TimeSpan.FromTicks(Math.Min(nanoseconds, 999_999_999u) / 100);
}
