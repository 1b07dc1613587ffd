using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace AlSafe.Core.Whitelist;

/// <summary>
/// An IPv4 or IPv6 network (address and prefix length), or <see cref="Any"/> for the whitelist's <c>*</c>, which
/// matches both families. The bits are kept as a number so that matching a socket allocates nothing.
/// </summary>
public readonly record struct AddressPrefix
{
    private readonly UInt128 network;

    private AddressPrefix(AddressFamily family, UInt128 network, int length)
    {
        Family = family;
        this.network = network;
        Length = length;
    }

    public static AddressPrefix Any { get; } = new(AddressFamily.Unspecified, UInt128.Zero, 0);

    /// <summary><see cref="AddressFamily.InterNetwork"/>, <see cref="AddressFamily.InterNetworkV6"/>, or Unspecified for <see cref="Any"/>.</summary>
    public AddressFamily Family { get; }

    /// <summary>The prefix length in bits: 0 to 32 for IPv4, 0 to 128 for IPv6.</summary>
    public int Length { get; }

    public bool IsAny => Family == AddressFamily.Unspecified;

    /// <summary>The width of the family's addresses in bits, 0 for <see cref="Any"/>.</summary>
    public int Width => Family switch
    {
        AddressFamily.InterNetwork => 32,
        AddressFamily.InterNetworkV6 => 128,
        _ => 0,
    };

    /// <summary>Makes a prefix; refuses a length beyond the family's width and host bits set below the prefix.</summary>
    public static AddressPrefix Create(IPAddress address, int length)
    {
        ArgumentNullException.ThrowIfNull(address);
        var width = WidthOf(address.AddressFamily);
        if (length < 0 || length > width)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"a prefix of {address} is 0 to {width} bits long");
        }

        var bits = ToBits(address);
        if ((bits & ~Mask(width, length)) != UInt128.Zero)
        {
            throw new ArgumentException($"{address}/{length} has host bits set", nameof(address));
        }

        return new AddressPrefix(address.AddressFamily, bits, length);
    }

    /// <summary>The prefix holding just this address (/32 or /128).</summary>
    public static AddressPrefix Host(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return new AddressPrefix(address.AddressFamily, ToBits(address), WidthOf(address.AddressFamily));
    }

    /// <summary>The network address (all host bits zero); undefined for <see cref="Any"/>.</summary>
    public IPAddress Network
    {
        get
        {
            if (IsAny)
            {
                throw new InvalidOperationException("'*' has no network address");
            }

            Span<byte> bytes = stackalloc byte[16];
            BinaryPrimitives.WriteUInt128BigEndian(bytes, network);
            return Family == AddressFamily.InterNetwork ? new IPAddress(bytes[12..]) : new IPAddress(bytes);
        }
    }

    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (IsAny)
        {
            return true;
        }

        return address.AddressFamily == Family && (ToBits(address) & Mask(Width, Length)) == network;
    }

    /// <summary>
    /// The network as a number (an IPv4 network in the low 32 bits), which orders prefixes of one family as their
    /// addresses without making an <see cref="IPAddress"/>.
    /// </summary>
    internal UInt128 Bits => network;

    /// <summary>
    /// <see cref="Contains(IPAddress)"/> for an address already turned into <see cref="BitsOf"/>: a socket is compared
    /// with many lines, and encoding its address once instead of once per line is most of what a comparison costs.
    /// </summary>
    internal bool Contains(UInt128 bits, AddressFamily family) =>
        IsAny || (family == Family && (Length == 0 || ((bits ^ network) >> (Width - Length)) == UInt128.Zero));

    /// <summary>The address as the number <see cref="Contains(UInt128, AddressFamily)"/> takes.</summary>
    internal static UInt128 BitsOf(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return ToBits(address);
    }

    /// <summary>True when every address of <paramref name="other"/> is in this prefix.</summary>
    public bool Covers(AddressPrefix other) =>
        IsAny || (other.Family == Family && other.Length >= Length && (other.network & Mask(Width, Length)) == network);

    public override string ToString() => IsAny ? "*" : $"{Network}/{Length}";

    private static int WidthOf(AddressFamily family) => family switch
    {
        AddressFamily.InterNetwork => 32,
        AddressFamily.InterNetworkV6 => 128,
        _ => throw new ArgumentException($"address family {family} is neither IPv4 nor IPv6"),
    };

    private static UInt128 Mask(int width, int length) =>
        length == 0 ? UInt128.Zero : (UInt128.MaxValue << (width - length)) & (width == 128 ? UInt128.MaxValue : (UInt128.One << width) - 1);

    private static UInt128 ToBits(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written) || (written != 4 && written != 16))
        {
            throw new ArgumentException($"{address} is neither IPv4 nor IPv6", nameof(address));
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0)
        {
            throw new ArgumentException($"{address} carries a scope id, which a firewall prefix cannot", nameof(address));
        }

        return written == 4 ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }
}
