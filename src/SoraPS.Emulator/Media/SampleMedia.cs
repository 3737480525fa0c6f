using System;
using System.IO;
using System.Reflection;

namespace SoraPS.Emulator.Media;

/// <summary>
/// The files every completed job serves, embedded in the assembly: a 2-second 320x180 H.264/AAC
/// MP4 (faststart), a WebP thumbnail and a 2x2 JPEG spritesheet, all made with ffmpeg.
/// </summary>
internal static class SampleMedia
{
    private static readonly Lazy<byte[]> Video = new(() => Load("sample.mp4"));
    private static readonly Lazy<byte[]> Thumbnail = new(() => Load("thumbnail.webp"));
    private static readonly Lazy<byte[]> Spritesheet = new(() => Load("spritesheet.jpg"));

    /// <summary>
    /// An 'ftyp' box alone: the start of an MP4 without frames, for a requested length too small
    /// for the sample plus a padding box.
    /// </summary>
    private static readonly byte[] FileTypeBox =
    [
        0, 0, 0, 24, (byte)'f', (byte)'t', (byte)'y', (byte)'p',
        (byte)'i', (byte)'s', (byte)'o', (byte)'m', 0, 0, 2, 0,
        (byte)'i', (byte)'s', (byte)'o', (byte)'m', (byte)'m', (byte)'p', (byte)'4', (byte)'1',
    ];

    /// <summary>
    /// The video variant; with <paramref name="length"/>, exactly that many bytes: the sample
    /// padded by a 'free' box; when the sample does not fit, an 'ftyp' box padded the same way;
    /// when that does not fit either, the 'ftyp' box cut short or followed by zeros.
    /// </summary>
    public static Stream OpenVideo(long? length)
    {
        if (length is not { } n)
        {
            return ReadOnly(Video.Value);
        }

        if (SyntheticMp4Stream.Fits(Video.Value.Length, n))
        {
            return new SyntheticMp4Stream(Video.Value, n);
        }

        if (SyntheticMp4Stream.Fits(FileTypeBox.Length, n))
        {
            return new SyntheticMp4Stream(FileTypeBox, n);
        }

        var bytes = new byte[n];
        FileTypeBox.AsSpan(0, (int)Math.Min(n, FileTypeBox.Length)).CopyTo(bytes);
        return ReadOnly(bytes);
    }

    public static Stream OpenThumbnail() => ReadOnly(Thumbnail.Value);

    public static Stream OpenSpritesheet() => ReadOnly(Spritesheet.Value);

    private static MemoryStream ReadOnly(byte[] bytes) => new(bytes, writable: false);

    private static byte[] Load(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("SoraPS.Emulator.Media." + name)
            ?? throw new InvalidOperationException($"The embedded resource '{name}' is missing.");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
