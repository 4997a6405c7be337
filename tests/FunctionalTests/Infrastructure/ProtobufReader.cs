namespace RealtimeSync.FunctionalTests.Infrastructure;

/// <summary>
/// Protocol Buffers' wire format, as little of it as reading OTLP needs: field tags, varints and
/// length-delimited fields; fixed-width fields are skipped. Enough to walk any message without its schema.
/// </summary>
public ref struct ProtobufReader(ReadOnlySpan<byte> data)
{
    private const int Varint = 0;
    private const int Fixed64 = 1;
    private const int LengthDelimited = 2;
    private const int Fixed32 = 5;
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;
    private int _wireType;

    /// <summary>Moves to the next field; false at the end of the message.</summary>
    public bool Next(out int field)
    {
        if (_position >= _data.Length)
        {
            field = 0;
            return false;
        }

        var tag = ReadVarint();
        field = (int)(tag >> 3);
        _wireType = (int)(tag & 7);
        return true;
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var next = _data[_position++];
            value |= (ulong)(next & 0x7F) << shift;
            if ((next & 0x80) == 0)
            {
                return value;
            }
        }

        throw new FormatException("A varint longer than 10 bytes.");
    }

    /// <summary>The current length-delimited field: a string, bytes or an embedded message.</summary>
    public ReadOnlySpan<byte> ReadBytes()
    {
        if (_wireType != LengthDelimited)
        {
            throw new FormatException($"Wire type {_wireType} where a length-delimited field was expected.");
        }

        var length = checked((int)ReadVarint());
        var bytes = _data.Slice(_position, length);
        _position += length;
        return bytes;
    }

    public string ReadString() => System.Text.Encoding.UTF8.GetString(ReadBytes());

    /// <summary>Passes over the current field, whatever it is.</summary>
    public void Skip()
    {
        switch (_wireType)
        {
            case Varint:
                ReadVarint();
                break;
            case Fixed64:
                _position += 8;
                break;
            case LengthDelimited:
                ReadBytes();
                break;
            case Fixed32:
                _position += 4;
                break;
            default:
                throw new FormatException($"Unsupported wire type {_wireType} (groups are not used by OTLP).");
        }
    }
}
