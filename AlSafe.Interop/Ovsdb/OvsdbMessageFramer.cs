using System.Text.Json;
using System.Text.Unicode;

namespace AlSafe.Interop.Ovsdb;

/// <summary>
/// Cuts OVSDB's stream into messages. OVSDB sends JSON values back to back with nothing between them, so a message
/// ends where its outermost object closes: a <see cref="Utf8JsonReader"/> is run over the bytes as they come, its state
/// kept between reads, so a large message is scanned once however many reads it takes. A message over the cap, or
/// anything that is not a JSON object, fails the stream: past it nobody can tell where the next message starts.
/// </summary>
internal sealed class OvsdbMessageFramer
{
    private const int InitialBuffer = 16 * 1024;
    private const int MinimumFreeSpace = 4 * 1024;
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    private readonly int _maxMessageBytes;
    private byte[] _buffer;
    private int _start;
    private int _end;

    // Where the reader stopped inside the message that starts at _start, and its state there; 0 when not started.
    private int _scanned;
    private JsonReaderState _state;

    public OvsdbMessageFramer(int maxMessageBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageBytes, 2);
        _maxMessageBytes = maxMessageBytes;
        _buffer = new byte[Math.Min(InitialBuffer, maxMessageBytes + 1)];
    }

    /// <summary>Space to receive into; pass what was received to <see cref="Commit"/>. Invalidates messages taken
    /// before.</summary>
    public Memory<byte> GetFreeSpace()
    {
        if (_buffer.Length - _end < MinimumFreeSpace)
        {
            MakeRoom();
        }

        // Full only when an unfinished message already passed the cap, which TryTake reports first.
        return _end < _buffer.Length
            ? _buffer.AsMemory(_end)
            : throw new OvsdbException($"an OVSDB message is longer than {_maxMessageBytes} bytes");
    }

    public void Commit(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length - _end);
        _end += count;
    }

    /// <summary>The next complete message, valid until the next <see cref="GetFreeSpace"/>.</summary>
    /// <exception cref="OvsdbException">The stream holds something other than JSON objects, or a message over the cap.</exception>
    public bool TryTake(out ReadOnlyMemory<byte> message)
    {
        message = default;
        if (_scanned == 0)
        {
            SkipWhitespace();
            if (_start == _end)
            {
                return false;
            }

            if (_buffer[_start] != (byte)'{')
            {
                throw new OvsdbException($"OVSDB sent {Describe(_buffer[_start])} where a JSON-RPC message (an object) must start");
            }

            _state = new JsonReaderState(ReaderOptions);
        }

        var reader = new Utf8JsonReader(_buffer.AsSpan(_start + _scanned, _end - _start - _scanned), isFinalBlock: false, _state);
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth == 0 && reader.TokenType == JsonTokenType.EndObject)
                {
                    var length = _scanned + (int)reader.BytesConsumed;
                    CheckSize(length);
                    message = _buffer.AsMemory(_start, length);

                    // The reader checks JSON structure but not the UTF-8 inside strings.
                    if (!Utf8.IsValid(message.Span))
                    {
                        throw new OvsdbException("OVSDB sent a message that is not valid UTF-8");
                    }

                    _start += length;
                    _scanned = 0;
                    return true;
                }
            }
        }
        catch (JsonException e)
        {
            throw new OvsdbException($"OVSDB sent malformed JSON: {e.Message}", e);
        }

        _scanned += (int)reader.BytesConsumed;
        _state = reader.CurrentState;
        CheckSize(_end - _start);
        return false;
    }

    private static string Describe(byte b) =>
        b is >= 0x21 and <= 0x7e ? $"'{(char)b}'" : $"byte 0x{b:x2}";

    private void CheckSize(int length)
    {
        if (length > _maxMessageBytes)
        {
            throw new OvsdbException($"an OVSDB message is longer than {_maxMessageBytes} bytes");
        }
    }

    private void SkipWhitespace()
    {
        while (_start < _end && _buffer[_start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            _start++;
        }

        if (_start == _end)
        {
            _start = _end = 0;
        }
    }

    private void MakeRoom()
    {
        var used = _end - _start;
        if (_start > 0)
        {
            _buffer.AsSpan(_start, used).CopyTo(_buffer);
            _start = 0;
            _end = used;
        }

        if (_buffer.Length - _end >= MinimumFreeSpace || _buffer.Length > _maxMessageBytes)
        {
            return;
        }

        // One byte over the cap is room enough to see that a message is over it.
        var grown = new byte[(int)Math.Min(Math.Max(_buffer.Length * 2L, _end + (long)MinimumFreeSpace), _maxMessageBytes + 1L)];
        _buffer.AsSpan(0, _end).CopyTo(grown);
        _buffer = grown;
    }
}
