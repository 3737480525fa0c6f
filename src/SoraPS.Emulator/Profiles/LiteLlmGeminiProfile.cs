using System.Security.Cryptography;
using SoraPS.Emulator.Endpoints;
using SoraPS.Emulator.Http;
using SoraPS.Emulator.Json;
using SoraPS.Emulator.State;

namespace SoraPS.Emulator.Profiles;

/// <summary>
/// LiteLLM in front of Google Veo through the Gemini API. A job is an operation: "processing" until
/// it is done, then "completed", never "failed" (a failed operation stays processing, so a
/// moderation-blocked job never finishes). A retrieve carries only id, object and status; the
/// create answer adds usage. The variant never reaches Veo; list, remix, edits, extensions and
/// characters are not implemented.
/// </summary>
internal sealed class LiteLlmGeminiProfile : LiteLlmProfile
{
    /// <summary>Gemini's operation names are long; LiteLLM's ids of them longer still.</summary>
    private const int OperationNameLength = 130;

    private const string OperationAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public override string DefaultModel => "veo-3.1-generate-preview";

    /// <summary>LiteLLM's DEFAULT_GOOGLE_VIDEO_DURATION_SECONDS.</summary>
    public override string DefaultSeconds => "8";

    public override bool ForwardsVariant => false;

    protected override string Provider => "gemini";

    public override ApiErrorException? Refusal(ApiOperation operation) => operation switch
    {
        ApiOperation.List => NotImplemented("Video list is not supported by Google Veo. Use the operations endpoint directly if you need to list operations."),
        ApiOperation.Remix => NotImplemented("Video remix is not supported by Google Veo. Please use video_generation() to create new videos."),
        ApiOperation.Edit => NotImplemented("video edit is not supported for Gemini"),
        ApiOperation.Extend => NotImplemented("video extension is not supported for Gemini"),
        ApiOperation.CreateCharacter => NotImplemented("video create character is not supported for Gemini"),
        ApiOperation.GetCharacter => NotImplemented("video get character is not supported for Gemini"),
        _ => null,
    };

    /// <summary>Any positive whole number: LiteLLM passes it to Veo as durationSeconds, unchecked.</summary>
    public override string Seconds(RequestFields fields, bool required) =>
        CreateRules.Seconds(fields, required ? null : DefaultSeconds, anyPositive: true);

    /// <summary>Any size at all: LiteLLM maps it to an aspect ratio, silently 16:9 for one it does not know.</summary>
    public override string Size(RequestFields fields) => fields.OptionalText("size") switch
    {
        "720x1280" or "1080x1920" => "9:16",
        _ => "16:9",
    };

    public override JobOutcome Outcome(PromptTriggers triggers) => triggers.ModerationBlocked ? JobOutcome.NeverFinishes : JobOutcome.Completed;

    public override string StatusText(JobStatus status) => status == JobStatus.Completed ? "completed" : "processing";

    protected override string RawIdStem(JobSpec spec)
    {
        var model = spec.Model.StartsWith("gemini/", System.StringComparison.Ordinal) ? spec.Model["gemini/".Length..] : spec.Model;
        var prefix = $"models/{model}/operations/";
        return prefix + RandomNumberGenerator.GetString(OperationAlphabet, System.Math.Max(16, OperationNameLength - prefix.Length));
    }

    protected override GatewayVideoResource Describe(VideoJob job, JobState state, bool justCreated) =>
        new(job.Id, "video", StatusText(state.Status), null, null, null, null, null, null, null, null, null, justCreated ? UsageOf(job) : null);
}
