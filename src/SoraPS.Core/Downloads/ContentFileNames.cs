using System;
using System.Linq;
using System.Text;

namespace SoraPS;

/// <summary>Default file names for downloaded assets, made safe from whatever the server sent as an id.</summary>
public static class ContentFileNames
{
    private const int MaxStemLength = 120;

    private static readonly string[] ReservedWindowsNames =
    [
        "CON", "PRN", "AUX", "NUL",
        "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    ];

    /// <summary><c>&lt;id&gt;.mp4</c>, <c>&lt;id&gt;.thumbnail.webp</c>, <c>&lt;id&gt;.spritesheet.jpg</c>, the extension following the content type.</summary>
    public static string For(string videoId, VideoVariant variant, string? contentType)
    {
        var stem = SafeStem(videoId);
        var extension = ExtensionFor(contentType) ?? DefaultExtension(variant);
        return variant == VideoVariant.Video
            ? stem + extension
            : stem + "." + SoraClient.VariantName(variant) + extension;
    }

    public static string DefaultExtension(VideoVariant variant) => variant switch
    {
        VideoVariant.Thumbnail => ".webp",
        VideoVariant.Spritesheet => ".jpg",
        _ => ".mp4",
    };

    public static string? ExtensionFor(string? contentType) => contentType?.Split(';')[0].Trim().ToUpperInvariant() switch
    {
        "VIDEO/MP4" => ".mp4",
        "VIDEO/QUICKTIME" => ".mov",
        "VIDEO/WEBM" => ".webm",
        "IMAGE/WEBP" => ".webp",
        "IMAGE/JPEG" or "IMAGE/JPG" => ".jpg",
        "IMAGE/PNG" => ".png",
        _ => null,
    };

    /// <summary>
    /// A file name stem that stays in its folder on every platform: no separators, no "..", no characters
    /// Windows refuses, no reserved device names, and a bounded length.
    /// </summary>
    public static string SafeStem(string? value)
    {
        var text = new StringBuilder();
        foreach (var c in value ?? string.Empty)
        {
            text.Append(char.IsControl(c) || "<>:\"/\\|?*".IndexOf(c) >= 0 ? '_' : c);
        }

        var stem = text.ToString().Trim().Trim('.', ' ');
        while (stem.Contains(".."))
        {
            stem = stem.Replace("..", "_");
        }

        if (stem.Length > MaxStemLength)
        {
            stem = stem.Substring(0, MaxStemLength);
        }

        if (stem.Length == 0)
        {
            return "video";
        }

        var device = stem.Split('.')[0];
        return ReservedWindowsNames.Any(r => string.Equals(r, device, StringComparison.OrdinalIgnoreCase)) ? "_" + stem : stem;
    }
}
