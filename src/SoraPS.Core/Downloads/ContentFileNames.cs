using System;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace SoraPS;

/// <summary>Default file names for downloaded assets, made safe and unique from whatever the server sent as an id.</summary>
public static class ContentFileNames
{
    /// <summary>Ids up to this long, of lowercase letters, digits, '_', '-' and '.', are used as they are (OpenAI's <c>video_68d7...</c>).</summary>
    private const int MaxPlainLength = 64;

    /// <summary>How much of a longer id is kept readable before the hash that tells it apart.</summary>
    private const int ReadableLength = 32;

    private const int HashLength = 16;

    private static readonly string[] ReservedWindowsNames =
    [
        "CON", "PRN", "AUX", "NUL",
        "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    ];

    /// <summary><c>&lt;stem&gt;.mp4</c>, <c>&lt;stem&gt;.thumbnail.webp</c>, <c>&lt;stem&gt;.spritesheet.jpg</c>, the extension following the content type.</summary>
    public static string For(string videoId, VideoVariant variant, string? contentType) =>
        WithExtension(videoId, variant, ExtensionFor(contentType) ?? DefaultExtension(variant));

    /// <summary>The default name with a given extension (such as the one the content itself shows).</summary>
    public static string WithExtension(string videoId, VideoVariant variant, string extension) =>
        variant == VideoVariant.Video
            ? SafeStem(videoId) + extension
            : SafeStem(videoId) + "." + SoraClient.VariantName(variant) + extension;

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
    /// A file name stem that stays in its folder on every platform (no separators, no "..", no characters
    /// Windows refuses, no reserved device names, a bounded length) and is unique per id: an id that is not
    /// short, plain and lowercase keeps its readable start and gains a hash of the whole id, so that long
    /// ids sharing a prefix (LiteLLM's base64 ids) and ids that differ only in case (on Windows and macOS
    /// file systems) never share a file.
    /// </summary>
    public static string SafeStem(string? value)
    {
        var id = value ?? string.Empty;
        if (IsPlain(id))
        {
            return AvoidDeviceName(id);
        }

        var text = new StringBuilder();
        foreach (var c in id)
        {
            text.Append(char.IsControl(c) || "<>:\"/\\|?*".IndexOf(c) >= 0 ? '_' : c);
        }

        var readable = text.ToString().Trim().Trim('.', ' ');
        while (readable.Contains(".."))
        {
            readable = readable.Replace("..", "_");
        }

        if (readable.Length > ReadableLength)
        {
            readable = readable.Substring(0, ReadableLength).TrimEnd('.', ' ');
        }

        return AvoidDeviceName((readable.Length == 0 ? "video" : readable) + "-" + Hash(id));
    }

    private static bool IsPlain(string id)
    {
        if (id.Length == 0 || id.Length > MaxPlainLength || id[0] == '.' || id[id.Length - 1] == '.' || id.Contains(".."))
        {
            return false;
        }

        return id.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-' or '.');
    }

    private static string Hash(string id)
    {
#if NET
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(id));
#else
        using var sha = SHA256.Create();
        var digest = sha.ComputeHash(Encoding.UTF8.GetBytes(id));
#endif
        var hex = new StringBuilder(HashLength);
        for (var i = 0; i < HashLength / 2; i++)
        {
            hex.Append(digest[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return hex.ToString();
    }

    private static string AvoidDeviceName(string stem)
    {
        var device = stem.Split('.')[0];
        return ReservedWindowsNames.Any(r => string.Equals(r, device, StringComparison.OrdinalIgnoreCase)) ? "_" + stem : stem;
    }
}
