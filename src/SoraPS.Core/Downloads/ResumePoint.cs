namespace SoraPS;

/// <summary>Where a kept partial download continues, and the version of the content it belongs to.</summary>
internal sealed class ResumePoint
{
    public ResumePoint(long offset, string eTag, long? totalLength)
    {
        Offset = offset;
        ETag = eTag;
        TotalLength = totalLength;
    }

    public long Offset { get; }

    public string ETag { get; }

    /// <summary>The whole content's length as first announced, when it was; a range answer must agree with it.</summary>
    public long? TotalLength { get; }
}
