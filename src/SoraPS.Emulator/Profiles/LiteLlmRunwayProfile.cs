using System;
using SoraPS.Emulator.Endpoints;
using SoraPS.Emulator.Http;
using SoraPS.Emulator.Json;
using SoraPS.Emulator.State;

namespace SoraPS.Emulator.Profiles;

/// <summary>
/// LiteLLM in front of Runway: a job is a task (queued, in_progress, completed, failed, and
/// cancelled for a task that was cancelled: the #cancelled trigger). The create answer carries
/// model, size, seconds and usage from the request; a retrieve only what Runway's task has (no model,
/// size or seconds). The variant never reaches Runway; list, remix, edits, extensions and characters
/// are not implemented.
/// </summary>
internal sealed class LiteLlmRunwayProfile : LiteLlmProfile
{
    public override string DefaultModel => "gen4_turbo";

    public override string DefaultSeconds => "5";

    public override bool ForwardsVariant => false;

    protected override string Provider => "runwayml";

    public override ApiErrorException? Refusal(ApiOperation operation) => operation switch
    {
        ApiOperation.List => NotImplemented("Video listing is not yet supported by RunwayML API"),
        ApiOperation.Remix => NotImplemented("Video remix is not yet supported by RunwayML API"),
        ApiOperation.Edit => NotImplemented("video edit is not supported for RunwayML"),
        ApiOperation.Extend => NotImplemented("video extension is not supported for RunwayML"),
        ApiOperation.CreateCharacter => NotImplemented("video create character is not supported for RunwayML"),
        ApiOperation.GetCharacter => NotImplemented("video get character is not supported for RunwayML"),
        _ => null,
    };

    /// <summary>Any positive whole number (Runway's duration).</summary>
    public override string Seconds(RequestFields fields, bool required) =>
        CreateRules.Seconds(fields, required ? null : DefaultSeconds, anyPositive: true);

    /// <summary>Any WIDTHxHEIGHT (Runway's ratio W:H).</summary>
    public override string Size(RequestFields fields) => CreateRules.Size(fields, anyDimensions: true);

    public override JobOutcome Outcome(PromptTriggers triggers) =>
        triggers.Cancelled ? JobOutcome.Cancelled : triggers.ModerationBlocked ? JobOutcome.Failed : JobOutcome.Completed;

    public override string StatusText(JobStatus status) => status switch
    {
        JobStatus.Queued => "queued",
        JobStatus.InProgress => "in_progress",
        JobStatus.Completed => "completed",
        JobStatus.Cancelled => "cancelled",
        _ => "failed",
    };

    /// <summary>Runway's task ids are UUIDs.</summary>
    protected override string RawIdStem(JobSpec spec) => Guid.NewGuid().ToString("D");

    protected override GatewayVideoResource Describe(VideoJob job, JobState state, bool justCreated) =>
        justCreated
            ? new(job.Id, "video", StatusText(state.Status), job.CreatedAt.ToUnixTimeSeconds(), null, null, null, null, null, job.Seconds, job.Size, job.Model, UsageOf(job))
            : new(
                job.Id,
                "video",
                StatusText(state.Status),
                job.CreatedAt.ToUnixTimeSeconds(),
                null,
                null,
                state.Status == JobStatus.Failed ? VideoError.ModerationBlocked : null,
                state.Progress,
                null,
                null,
                null,
                null,
                null);
}
