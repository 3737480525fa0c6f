namespace SoraPS;

/// <summary>The downloadable assets of a completed job.</summary>
public enum VideoVariant
{
    Video,
    Thumbnail,
    Spritesheet,
}

/// <summary>Sort order of the job list, by creation time.</summary>
public enum ListOrder
{
    Desc,
    Asc,
}
