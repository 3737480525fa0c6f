namespace SoraPS;

/// <summary>Where a kept partial download continues, and the version of the content it belongs to.</summary>
internal sealed class ResumePoint
{
    public ResumePoint(long offset, string eTag)
    {
        Offset = offset;
        ETag = eTag;
    }

    public long Offset { get; }

    public string ETag { get; }
}
