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

    /// <summary>The file this asset will be written to.</summary>
    public string Resolve(string videoId, VideoVariant variant, string? contentType) =>
        IsFolder ? System.IO.Path.Combine(Path, ContentFileNames.For(videoId, variant, contentType)) : Path;
}
