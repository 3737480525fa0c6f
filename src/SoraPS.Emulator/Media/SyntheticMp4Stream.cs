using System;
using System.Buffers.Binary;
using System.IO;

namespace SoraPS.Emulator.Media;

/// <summary>
/// A read-only, seekable MP4 of any length made on the fly: a real MP4 (the prefix) followed by
/// one 'free' box that pads it to the requested length. Players skip 'free' boxes, so the result
/// stays playable, and nothing but the prefix is held in memory, so lengths of many GiB are fine.
/// </summary>
internal sealed class SyntheticMp4Stream : Stream
{
    private const int CompactHeaderLength = 8;
    private const int LargeHeaderLength = 16;

    private readonly ReadOnlyMemory<byte> _prefix;
    private readonly byte[] _boxHeader;
    private readonly long _length;
    private long _position;

    /// <param name="prefix">A complete MP4 file.</param>
    /// <param name="length">Total length: the prefix's length, or at least 8 bytes more.</param>
    public SyntheticMp4Stream(ReadOnlyMemory<byte> prefix, long length)
    {
        var padding = length - prefix.Length;
        if (padding is > 0 and < CompactHeaderLength || padding < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "The padding must be 0 or at least 8 bytes (a box header).");
        }

        _prefix = prefix;
        _length = length;
        _boxHeader = BoxHeader(padding);
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    /// <summary>Whether a video of <paramref name="length"/> bytes can be <paramref name="prefixLength"/> bytes of MP4 plus one 'free' box.</summary>
    public static bool Fits(long prefixLength, long length) => length == prefixLength || length - prefixLength >= CompactHeaderLength;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var total = (int)Math.Clamp(_length - _position, 0, buffer.Length);
        var destination = buffer[..total];
        while (!destination.IsEmpty)
        {
            var copied = CopyAt(_position, destination);
            _position += copied;
            destination = destination[copied..];
        }

        return total;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>A 'free' box header: 32-bit size, or size 1 plus a 64-bit "largesize" beyond 4 GiB.</summary>
    private static byte[] BoxHeader(long boxLength)
    {
        if (boxLength == 0)
        {
            return [];
        }

        if (boxLength <= uint.MaxValue)
        {
            var compact = new byte[CompactHeaderLength];
            BinaryPrimitives.WriteUInt32BigEndian(compact, (uint)boxLength);
            "free"u8.CopyTo(compact.AsSpan(4));
            return compact;
        }

        var large = new byte[LargeHeaderLength];
        BinaryPrimitives.WriteUInt32BigEndian(large, 1);
        "free"u8.CopyTo(large.AsSpan(4));
        BinaryPrimitives.WriteUInt64BigEndian(large.AsSpan(8), (ulong)boxLength);
        return large;
    }

    /// <summary>Copies what lies at <paramref name="position"/> from one region (prefix, box header or zeros).</summary>
    private int CopyAt(long position, Span<byte> destination)
    {
        if (position < _prefix.Length)
        {
            return Copy(_prefix.Span[(int)position..], destination);
        }

        var inBox = position - _prefix.Length;
        if (inBox < _boxHeader.Length)
        {
            return Copy(_boxHeader.AsSpan((int)inBox), destination);
        }

        var zeros = (int)Math.Min(destination.Length, _length - position);
        destination[..zeros].Clear();
        return zeros;
    }

    private static int Copy(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var count = Math.Min(source.Length, destination.Length);
        source[..count].CopyTo(destination);
        return count;
    }
}
