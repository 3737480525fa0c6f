namespace SoraPS.Emulator.State;

/// <summary>
/// What the server behind the API decides about a new job: the id it is known by, and how it ends.
/// Each profile answers for the provider it stands for.
/// </summary>
internal interface IJobRules
{
    /// <summary>The ids of the job numbered <paramref name="sequence"/> (1 for the first job of the server).</summary>
    JobIdentity Identify(JobSpec spec, long sequence);

    /// <summary>How a job with these prompt triggers ends once its render time has passed.</summary>
    JobOutcome Outcome(PromptTriggers triggers);
}

/// <param name="Id">The id clients see and send.</param>
/// <param name="UpstreamId">
/// The id the provider behind a gateway knows the job by; the same as <paramref name="Id"/> when
/// nothing stands between the client and the provider.
/// </param>
internal readonly record struct JobIdentity(string Id, string UpstreamId)
{
    public static JobIdentity Direct(string id) => new(id, id);
}

/// <summary>How a job ends when its render time has passed.</summary>
internal enum JobOutcome
{
    Completed,
    Failed,
    Cancelled,

    /// <summary>The job stays running for ever (a provider that never reports failure).</summary>
    NeverFinishes,
}
