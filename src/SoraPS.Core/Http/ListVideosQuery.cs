namespace SoraPS;

/// <summary>Parameters of the job list. Null fields are left to the server (20 per page, newest first).</summary>
public sealed class ListVideosQuery
{
    /// <summary>
    /// The page size of a walk over the whole list (<see cref="SoraClient.ListAllPagesAsync"/>, the waiter's
    /// sweep) when no limit is given: the largest the API allows, so that a walk makes the fewest requests.
    /// </summary>
    public const int WalkPageSize = InputValidation.MaxListLimit;

    public int? Limit { get; init; }

    public ListOrder? Order { get; init; }

    /// <summary>Start after this job id (the previous page's last id).</summary>
    public string? After { get; init; }
}
