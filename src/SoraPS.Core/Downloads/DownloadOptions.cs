using System;

namespace SoraPS;

/// <summary>How one download behaves.</summary>
public sealed class DownloadOptions
{
    /// <summary>Replace an existing file, once the new one has arrived whole.</summary>
    public bool Overwrite { get; init; }

    /// <summary>
    /// Keep what arrived when a download fails (as a dot-named <c>.partial</c> file beside the target), and
    /// continue such a file with a Range request, as long as the server's ETag says the content is the same.
    /// </summary>
    public bool Resume { get; init; }

    public IProgress<DownloadProgress>? Progress { get; init; }
}
