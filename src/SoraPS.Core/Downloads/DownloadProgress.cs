namespace SoraPS;

/// <summary>How far one download has got.</summary>
public readonly struct DownloadProgress
{
    public DownloadProgress(string videoId, VideoVariant variant, string path, long bytesReceived, long? totalBytes)
    {
        VideoId = videoId;
        Variant = variant;
        Path = path;
        BytesReceived = bytesReceived;
        TotalBytes = totalBytes;
    }

    public string VideoId { get; }

    public VideoVariant Variant { get; }

    public string Path { get; }

    public long BytesReceived { get; }

    /// <summary>Null when the server did not say how long the content is.</summary>
    public long? TotalBytes { get; }
}
