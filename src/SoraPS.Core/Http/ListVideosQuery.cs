namespace SoraPS;

/// <summary>Parameters of the job list. Null fields are left to the server (20 per page, newest first).</summary>
public sealed class ListVideosQuery
{
    public int? Limit { get; init; }

    public ListOrder? Order { get; init; }

    /// <summary>Start after this job id (the previous page's last id).</summary>
    public string? After { get; init; }
}
