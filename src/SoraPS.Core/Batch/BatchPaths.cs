using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace SoraPS.Core.Batch;

/// <summary>Path arithmetic that .NET Framework lacks (no Path.GetRelativePath there).</summary>
internal static class BatchPaths
{
    private static readonly StringComparison Comparison =
        RuntimeInformation.IsOSPlatform(OSPlatform.Windows) || RuntimeInformation.IsOSPlatform(OSPlatform.OSX)
            ? StringComparison.OrdinalIgnoreCase
            : StringComparison.Ordinal;

    private static readonly char[] Separators = [Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar];

    /// <summary>A full path without a trailing separator (a root keeps its own).</summary>
    public static string Normalize(string path)
    {
        var full = Path.GetFullPath(path);
        var trimmed = full.TrimEnd(Separators);
        return trimmed.Length == 0 || trimmed.EndsWith(":", StringComparison.Ordinal) ? full : trimmed;
    }

    /// <summary>The path of <paramref name="path"/> inside <paramref name="folder"/> with '/' separators, or null when it is not inside.</summary>
    public static string? RelativeInside(string folder, string path)
    {
        var from = Segments(Normalize(folder));
        var to = Segments(Normalize(path));
        if (to.Count <= from.Count || !from.Select((s, i) => string.Equals(s, to[i], Comparison)).All(same => same))
        {
            return null;
        }

        return string.Join("/", to.Skip(from.Count));
    }

    /// <summary>A relative URL from a folder to a file, each segment escaped, for links in the review page.</summary>
    public static string RelativeUrl(string fromFolder, string toFile)
    {
        var from = Segments(Normalize(fromFolder));
        var to = Segments(Normalize(toFile));
        var common = 0;
        while (common < from.Count && common < to.Count - 1 && string.Equals(from[common], to[common], Comparison))
        {
            common++;
        }

        // Another drive (or nothing in common): a file: URL is the only way there.
        if (common == 0)
        {
            return new Uri(Normalize(toFile)).AbsoluteUri;
        }

        var up = Enumerable.Repeat("..", from.Count - common);
        return string.Join("/", up.Concat(to.Skip(common).Select(Uri.EscapeDataString)));
    }

    private static List<string> Segments(string fullPath) =>
        fullPath.Split(Separators, StringSplitOptions.RemoveEmptyEntries).ToList();
}
