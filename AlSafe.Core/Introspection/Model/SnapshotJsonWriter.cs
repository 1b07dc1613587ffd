using System.Text.Json;

namespace AlSafe.Core.Introspection.Model;

/// <summary>
/// The JSON form of a snapshot: one object per process with its sockets, the kernel identified and the timings. It
/// is what <c>alsafe introspect --format json</c> prints and what later stages read as a connection list.
/// </summary>
public static class SnapshotJsonWriter
{
    public static void Write(Utf8JsonWriter w, IntrospectionSnapshot snapshot)
    {
        var k = snapshot.Kernel;
        w.WriteStartObject("kernel");
        w.WriteString("release", k.Release);
        w.WriteString("buildId", k.BuildId);
        w.WriteString("profileSource", k.ProfileSource);
        w.WriteString("physicalBase", $"0x{k.PhysicalBase:x}");
        w.WriteString("virtualSlide", $"0x{k.VirtualSlide:x}");
        w.WriteString("pageOffsetBase", $"0x{k.PageOffsetBase:x}");
        w.WriteNumber("pagingLevels", k.PagingLevels);
        w.WriteEndObject();
        w.WriteBoolean("paused", snapshot.Paused);
        w.WriteStartObject("timings");
        w.WriteNumber("walkMs", snapshot.Timings.Walk.TotalMilliseconds);
        w.WriteNumber("pauseMs", snapshot.Timings.Pause.TotalMilliseconds);
        w.WriteNumber("pagesTouched", snapshot.Timings.PagesTouched);
        w.WriteEndObject();
        w.WriteStartArray("processes");
        foreach (var p in snapshot.Processes)
        {
            WriteProcess(w, p);
        }

        w.WriteEndArray();
    }

    private static void WriteProcess(Utf8JsonWriter w, GuestProcess p)
    {
        w.WriteStartObject();
        w.WriteNumber("pid", p.Pid);
        w.WriteNumber("tgid", p.Tgid);
        w.WriteNumber("ppid", p.ParentPid);
        w.WriteString("comm", p.Comm);
        if (p.ExePath is null)
        {
            w.WriteNull("exe");
        }
        else
        {
            w.WriteString("exe", p.ExePath);
        }

        w.WriteNumber("uid", p.Uid);
        w.WriteBoolean("kernelThread", p.IsKernelThread);
        w.WriteNumber("otherSockets", p.OtherSockets);
        w.WriteStartArray("sockets");
        foreach (var s in p.Sockets)
        {
            w.WriteStartObject();
            w.WriteNumber("fd", s.Fd);
            w.WriteNumber("inode", s.Inode);
            w.WriteString("family", s.Family == SocketFamily.Inet ? "inet" : "inet6");
            w.WriteString("proto", s.Protocol.Name());
            w.WriteString("localAddress", s.LocalAddress.ToString());
            w.WriteNumber("localPort", s.LocalPort);
            w.WriteString("remoteAddress", s.RemoteAddress.ToString());
            w.WriteNumber("remotePort", s.RemotePort);
            w.WriteString("state", SocketStateNames.Name(s.State));
            if (s.V6Only is { } v6Only)
            {
                w.WriteBoolean("v6only", v6Only);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
