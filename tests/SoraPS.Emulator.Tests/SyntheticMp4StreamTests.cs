using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Text;
using SoraPS.Emulator.Media;

namespace SoraPS.Emulator.Tests;

public sealed class SyntheticMp4StreamTests
{
    private static readonly byte[] Prefix = Enumerable.Range(1, 40).Select(i => (byte)i).ToArray();

    [Fact]
    public void Reads_prefix_then_a_free_box_header_then_zeros()
    {
        using var stream = new SyntheticMp4Stream(Prefix, 100);
        using var copy = new MemoryStream();

        stream.CopyTo(copy, bufferSize: 7);
        var bytes = copy.ToArray();

        Assert.Equal(100, bytes.Length);
        Assert.Equal(Prefix, bytes[..40]);
        Assert.Equal(60u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(40)));
        Assert.Equal("free", Encoding.ASCII.GetString(bytes, 44, 4));
        Assert.All(bytes[48..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void Seeking_across_the_boundary_reads_the_same_bytes()
    {
        using var stream = new SyntheticMp4Stream(Prefix, 100);
        var buffer = new byte[10];

        stream.Seek(-62, SeekOrigin.End);
        stream.ReadExactly(buffer);

        Assert.Equal(new byte[] { 39, 40, 0, 0, 0, 60, (byte)'f', (byte)'r', (byte)'e', (byte)'e' }, buffer);
        Assert.Equal(48, stream.Position);
        stream.Position = 100;
        Assert.Equal(0, stream.Read(buffer));
    }

    [Fact]
    public void Beyond_4_GiB_the_box_uses_a_64_bit_size()
    {
        const long Length = 6L << 30;
        using var stream = new SyntheticMp4Stream(Prefix, Length);
        var header = new byte[16];

        stream.Position = Prefix.Length;
        stream.ReadExactly(header);

        Assert.Equal(Length, stream.Length);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(header));
        Assert.Equal("free", Encoding.ASCII.GetString(header, 4, 4));
        Assert.Equal((ulong)(Length - Prefix.Length), BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(8)));
    }

    [Theory]
    [InlineData(39)]
    [InlineData(45)]
    public void Refuses_a_length_that_leaves_no_room_for_a_box(long length) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SyntheticMp4Stream(Prefix, length));
}
