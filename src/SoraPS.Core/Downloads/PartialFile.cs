using System;
using System.IO;

namespace SoraPS;

/// <summary>
/// The dot-named file a download is written to before it is renamed into place. For a resumable download
/// it has a fixed name (so the next attempt finds it) and a companion file holding the content's ETag and
/// its whole length; otherwise a random name, deleted on failure.
/// </summary>
internal sealed class PartialFile
{
    private readonly string? eTagPath;

    private PartialFile(string path, string? eTagPath)
    {
        Path = path;
        this.eTagPath = eTagPath;
    }

    public string Path { get; }

    public bool Exists => File.Exists(Path);

    /// <summary>A fixed name beside <paramref name="target"/>: .&lt;name&gt;.partial and .&lt;name&gt;.partial.etag.</summary>
    public static PartialFile For(string target)
    {
        var path = Beside(target, ".partial");
        return new PartialFile(path, path + ".etag");
    }

    /// <summary>The first bytes already kept, to tell what the content is when a download continues.</summary>
    public byte[] ReadHead(int count)
    {
        using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var head = new byte[Math.Min(count, stream.Length)];
        var filled = 0;
        int read;
        while (filled < head.Length && (read = stream.Read(head, filled, head.Length - filled)) > 0)
        {
            filled += read;
        }

        return filled == head.Length ? head : head.AsSpan(0, filled).ToArray();
    }

    public static PartialFile Temporary(string target) =>
        new(Beside(target, "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".partial"), null);

    /// <summary>Where to continue, or null when there is nothing (or nothing safe) to continue.</summary>
    public ResumePoint? ResumePoint()
    {
        if (eTagPath is null || !File.Exists(Path) || !File.Exists(eTagPath))
        {
            return null;
        }

        var length = new FileInfo(Path).Length;
        var lines = File.ReadAllLines(eTagPath);
        var eTag = lines.Length > 0 ? lines[0].Trim() : string.Empty;
        long? total = lines.Length > 1 && long.TryParse(lines[1].Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var announced)
            ? announced
            : null;
        return length > 0 && eTag.Length > 0 && (total is null || length < total) ? new ResumePoint(length, eTag, total) : null;
    }

    /// <summary>Records which version of the content the bytes belong to, and its length; without an ETag no resume is offered.</summary>
    public void Start(string? eTag, long? totalLength)
    {
        if (eTagPath is null)
        {
            return;
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        if (string.IsNullOrEmpty(eTag))
        {
            TryDelete(eTagPath);
        }
        else
        {
            File.WriteAllText(eTagPath, totalLength is { } total ? eTag + "\n" + total.ToString(System.Globalization.CultureInfo.InvariantCulture) : eTag);
        }
    }

    /// <summary>After the file was moved into place.</summary>
    public void Finish()
    {
        if (eTagPath is not null)
        {
            TryDelete(eTagPath);
        }
    }

    public void Delete()
    {
        TryDelete(Path);
        if (eTagPath is not null)
        {
            TryDelete(eTagPath);
        }
    }

    private static string Beside(string target, string suffix) =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(target)!, "." + System.IO.Path.GetFileName(target) + suffix);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover .partial file is harmless and the original error matters more.
        }
    }
}
