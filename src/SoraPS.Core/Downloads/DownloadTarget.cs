using System;
using System.IO;

namespace SoraPS;

/// <summary>Where a downloaded asset goes: into a folder under its default name, or to one named file.</summary>
public sealed class DownloadTarget
{
    private DownloadTarget(string path, bool isFolder)
    {
        Path = path;
        IsFolder = isFolder;
    }

    /// <summary>A full path (the cmdlet layer resolves relative paths against $PWD first).</summary>
    public string Path { get; }

    public bool IsFolder { get; }

    public static DownloadTarget Folder(string path) => new(System.IO.Path.GetFullPath(path), isFolder: true);

    public static DownloadTarget File(string path) => new(System.IO.Path.GetFullPath(path), isFolder: false);

    /// <summary>
    /// Reads a user's -Path: an existing folder, a path ending in a separator, or a path without an
    /// extension is a folder (created when needed); anything else names the file itself.
    /// </summary>
    public static DownloadTarget FromUserPath(string fullPath)
    {
        if (string.IsNullOrWhiteSpace(fullPath))
        {
            throw new ArgumentException("The path is empty.", nameof(fullPath));
        }

        var endsWithSeparator = fullPath.EndsWith(System.IO.Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal)
            || fullPath.EndsWith(System.IO.Path.AltDirectorySeparatorChar.ToString(), StringComparison.Ordinal);
        if (Directory.Exists(fullPath) || endsWithSeparator || !System.IO.Path.HasExtension(fullPath))
        {
            return Folder(fullPath);
        }

        return File(fullPath);
    }

    /// <summary>The file this asset will be written to, before its bytes are known.</summary>
    public string Resolve(string videoId, VideoVariant variant, string? contentType) =>
        IsFolder ? System.IO.Path.Combine(Path, ContentFileNames.For(videoId, variant, contentType)) : Path;

    /// <summary>
    /// The file for content whose bytes show what it is: its extension follows the bytes, so that an MP4
    /// sent for a thumbnail is never saved as a .webp. A file name given by the user keeps its name and
    /// changes only an extension that names another media type.
    /// </summary>
    internal string ResolveFor(string videoId, VideoVariant variant, MediaSignature media)
    {
        if (IsFolder)
        {
            return System.IO.Path.Combine(Path, ContentFileNames.WithExtension(videoId, variant, media.Extension));
        }

        var extension = System.IO.Path.GetExtension(Path);
        var namesMedia = ContentFileNames.ExtensionFor(MediaTypeOf(extension)) is not null;
        return namesMedia && !string.Equals(extension, media.Extension, StringComparison.OrdinalIgnoreCase)
            && !(media.Extension == ".jpg" && string.Equals(extension, ".jpeg", StringComparison.OrdinalIgnoreCase))
            ? System.IO.Path.ChangeExtension(Path, media.Extension)
            : Path;
    }

    private static string? MediaTypeOf(string extension) => extension.ToUpperInvariant() switch
    {
        ".MP4" or ".M4V" => "video/mp4",
        ".MOV" => "video/quicktime",
        ".WEBM" => "video/webm",
        ".WEBP" => "image/webp",
        ".JPG" or ".JPEG" => "image/jpeg",
        ".PNG" => "image/png",
        _ => null,
    };
}
