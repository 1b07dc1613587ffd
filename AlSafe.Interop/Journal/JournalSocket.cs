using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace AlSafe.Interop.Journal;

/// <summary>
/// The client side of journald's native protocol: one entry per datagram on its AF_UNIX/SOCK_DGRAM socket. An entry
/// larger than the socket's send buffer (EMSGSIZE, ENOBUFS) goes the way sd_journal_send takes it: written to a memfd,
/// sealed, and the descriptor passed with SCM_RIGHTS in an otherwise empty datagram.
/// </summary>
/// <remarks>
/// The socket stays unconnected and names the path on every send, so a restarted journald (a new socket inode at the
/// same path) is reached without reconnecting. Sends block while journald's queue is full, but no longer than the send
/// timeout: a stalled journald must not stall the firewall that logs to it. Concurrent sends are safe.
/// </remarks>
public sealed class JournalSocket : IDisposable
{
    public const string DefaultPath = "/run/systemd/journal/socket";

    private const string MemfdName = "alsafe-journal-entry";
    private static readonly TimeSpan DefaultSendTimeout = TimeSpan.FromSeconds(2);

    private readonly Socket _socket;
    private readonly SocketAddress _address;

    public JournalSocket(string path = DefaultPath, TimeSpan? sendTimeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
        _address = new UnixDomainSocketEndPoint(path).Serialize();
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        _socket.SendTimeout = (int)Math.Clamp((sendTimeout ?? DefaultSendTimeout).TotalMilliseconds, 1, int.MaxValue);
    }

    public string Path { get; }

    /// <summary>Whether something exists at <paramref name="path"/>: journald creates its socket there when it starts,
    /// so a missing path means no journal on this machine (or none yet).</summary>
    public static bool Exists(string path = DefaultPath) => File.Exists(path);

    /// <summary>Sends one encoded entry (see <see cref="JournalEntryWriter"/>).</summary>
    /// <exception cref="JournalException">journald did not take it.</exception>
    public JournalTransport Send(ReadOnlySpan<byte> entry)
    {
        try
        {
            _socket.SendTo(entry, SocketFlags.None, _address);
            return JournalTransport.Datagram;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.MessageSize or SocketError.NoBufferSpaceAvailable)
        {
            SendThroughMemfd(entry);
            return JournalTransport.Memfd;
        }
        catch (SocketException e)
        {
            throw new JournalException($"journald at {Path} did not take a {entry.Length}-byte entry: {e.Message} ({e.SocketErrorCode})", e);
        }
    }

    public void Dispose() => _socket.Dispose();

    private unsafe void SendThroughMemfd(ReadOnlySpan<byte> entry)
    {
        var fd = JournalNative.MemfdCreate(MemfdName, JournalNative.MfdCloexec | JournalNative.MfdAllowSealing);
        if (fd < 0)
        {
            throw Failure("memfd_create", entry.Length);
        }

        using var memfd = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            RandomAccess.Write(memfd, entry, 0);
        }
        catch (IOException e)
        {
            throw new JournalException($"journald at {Path} did not take a {entry.Length}-byte entry: writing the memfd failed: {e.Message}", e);
        }

        if (JournalNative.Fcntl(memfd, JournalNative.FAddSeals, JournalNative.AllSeals) < 0)
        {
            throw Failure("sealing the memfd", entry.Length);
        }

        // ulong elements give the control buffer the alignment of its cmsghdr.
        var control = stackalloc ulong[JournalNative.RightsControlSpace / sizeof(ulong)];
        var bytes = (byte*)control;
        *(nuint*)bytes = JournalNative.RightsControlLength;
        *(int*)(bytes + sizeof(nuint)) = JournalNative.SolSocket;
        *(int*)(bytes + sizeof(nuint) + sizeof(int)) = JournalNative.ScmRights;
        *(int*)(bytes + sizeof(nuint) + 2 * sizeof(int)) = fd;
        fixed (byte* name = _address.Buffer.Span)
        {
            var header = new JournalNative.MessageHeader
            {
                Name = name,
                NameLength = (uint)_address.Size,
                Control = control,
                ControlLength = JournalNative.RightsControlSpace,
            };
            if (JournalNative.SendMessage(_socket.SafeHandle, &header, JournalNative.MsgNoSignal) < 0)
            {
                throw Failure("sending the memfd", entry.Length);
            }
        }
    }

    private JournalException Failure(string step, int entryLength)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new JournalException(
            $"journald at {Path} did not take a {entryLength}-byte entry through a memfd: {step} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
    }
}
