using System;
using System.Text;

namespace SoraPS;

/// <summary>The video containers the API accepts for uploads, told apart by their first bytes.</summary>
internal static class VideoTypes
{
    public const string Mp4 = "video/mp4";
    public const string QuickTime = "video/quicktime";
    public const string Webm = "video/webm";

    /// <summary>Recognises a video container by its first bytes; the extension only tells MP4 from QuickTime.</summary>
    public static string? Sniff(byte[] header, string? extension)
    {
        var length = header.Length;
        if (length >= 12)
        {
            var box = Encoding.ASCII.GetString(header, 4, 4);
            if (box == "ftyp")
            {
                var brand = Encoding.ASCII.GetString(header, 8, 4);
                return brand == "qt  " || string.Equals(extension, ".mov", StringComparison.OrdinalIgnoreCase) ? QuickTime : Mp4;
            }

            // Older QuickTime files start with another top-level atom.
            if (box is "moov" or "mdat" or "wide" or "free" or "skip" or "pnot")
            {
                return QuickTime;
            }
        }

        // EBML header: Matroska or WebM; only WebM (its DocType in the header) is a format the API takes.
        if (length >= 4 && header[0] == 0x1A && header[1] == 0x45 && header[2] == 0xDF && header[3] == 0xA3
            && Encoding.ASCII.GetString(header, 0, length).IndexOf("webm", StringComparison.Ordinal) >= 0)
        {
            return Webm;
        }

        return null;
    }
}
