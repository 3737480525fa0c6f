using System;
using SoraPS.Emulator.Endpoints;
using SoraPS.Emulator.Http;
using SoraPS.Emulator.Json;
using SoraPS.Emulator.State;

namespace SoraPS.Emulator.Profiles;

/// <summary>
/// LiteLLM in front of OpenAI: the provider's video objects passed through (prompt dropped, usage
/// added, the id re-encoded), OpenAI's statuses and validation, and the variant reaches OpenAI, so a
/// thumbnail arrives as WebP bytes labelled video/mp4.
/// </summary>
internal sealed class LiteLlmOpenAiProfile : LiteLlmProfile
{
    public override string DefaultModel => "sora-2";

    public override string DefaultSeconds => "4";

    public override bool ForwardsVariant => true;

    protected override string Provider => "openai";

    public override string Seconds(RequestFields fields, bool required) => CreateRules.Seconds(fields, required ? null : DefaultSeconds);

    public override string Size(RequestFields fields) => CreateRules.Size(fields);

    public override JobOutcome Outcome(PromptTriggers triggers) => triggers.ModerationBlocked ? JobOutcome.Failed : JobOutcome.Completed;

    public override string StatusText(JobStatus status) => status switch
    {
        JobStatus.Queued => "queued",
        JobStatus.InProgress => "in_progress",
        JobStatus.Completed => "completed",
        _ => "failed",
    };

    protected override string RawIdStem(JobSpec spec) => "video_" + Guid.NewGuid().ToString("N");

    protected override GatewayVideoResource Describe(VideoJob job, JobState state, bool justCreated)
    {
        var completedAt = state.CompletedAt?.ToUnixTimeSeconds();
        return new GatewayVideoResource(
            job.Id,
            "video",
            StatusText(state.Status),
            job.CreatedAt.ToUnixTimeSeconds(),
            completedAt,
            completedAt + OpenAiProfile.ExpiresAfterSeconds,
            state.Status == JobStatus.Failed ? VideoError.ModerationBlocked : null,
            state.Progress,
            job.RemixedFromVideoId,
            job.Seconds,
            job.Size,
            job.Model,
            UsageOf(job));
    }
}
