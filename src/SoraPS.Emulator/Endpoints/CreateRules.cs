using System;
using System.Collections.Frozen;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Text.Json;
using SoraPS.Emulator.Http;
using SoraPS.Emulator.State;

namespace SoraPS.Emulator.Endpoints;

/// <summary>The validation rules the create-like endpoints share.</summary>
internal static class CreateRules
{
    public const int MaxPromptLength = 32000;

    public const string DefaultSize = "720x1280";

    private static readonly FrozenSet<string> AllowedSeconds = FrozenSet.Create(StringComparer.Ordinal, "4", "8", "12", "16", "20");

    private static readonly FrozenSet<string> AllowedSizes = FrozenSet.Create(StringComparer.Ordinal, "720x1280", "1280x720", "1024x1792", "1792x1024");

    private static readonly Regex AnySize = new(@"^[1-9]\d{1,4}x[1-9]\d{1,4}$", RegexOptions.CultureInvariant);

    private static readonly FrozenSet<string> ImageTypes = FrozenSet.Create(StringComparer.OrdinalIgnoreCase, "image/jpeg", "image/png", "image/webp");

    public static string Prompt(RequestFields fields) => fields.RequiredText("prompt", MaxPromptLength);

    public static string Model(RequestFields fields, string defaultModel)
    {
        var model = fields.OptionalText("model") ?? defaultModel;
        return model.Length > 0
            ? model
            : throw ApiErrorException.BadRequest("Invalid 'model': empty string. Expected a model name.", "model", "empty_string");
    }

    public static string Seconds(RequestFields fields, string? defaultValue, bool anyPositive = false)
    {
        var seconds = fields.OptionalText("seconds") ?? defaultValue
            ?? throw ApiErrorException.BadRequest("Missing required parameter: 'seconds'.", "seconds", "missing_required_parameter");
        var accepted = anyPositive
            ? int.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            : AllowedSeconds.Contains(seconds);
        return accepted
            ? seconds
            : throw ApiErrorException.BadRequest(
                $"Invalid value for 'seconds': '{seconds}'. Supported values are: '4', '8', '12', '16' and '20'.", "seconds", "invalid_value");
    }

    public static string Size(RequestFields fields, bool anyDimensions = false)
    {
        var size = fields.OptionalText("size") ?? DefaultSize;
        return (anyDimensions ? AnySize.IsMatch(size) : AllowedSizes.Contains(size))
            ? size
            : throw ApiErrorException.BadRequest(
                $"Invalid value for 'size': '{size}'. Supported values are: '720x1280', '1280x720', '1024x1792' and '1792x1024'.", "size", "invalid_value");
    }

    /// <summary>input_reference: an image file part, or an object with exactly one of image_url and file_id.</summary>
    public static void InputReference(RequestFields fields)
    {
        const string Name = "input_reference";
        if (fields[Name] is { Kind: FieldKind.File, File: { } file })
        {
            if (file.ContentType is null)
            {
                throw ApiErrorException.BadRequest(
                    "The 'input_reference' file part has no Content-Type. Supported types are image/jpeg, image/png and image/webp.", Name, "invalid_type");
            }

            if (!ImageTypes.Contains(file.ContentType))
            {
                throw ApiErrorException.BadRequest(
                    $"Invalid file type for 'input_reference': '{file.ContentType}'. Supported types are image/jpeg, image/png and image/webp.", Name, "invalid_type");
            }

            return;
        }

        if (fields.ObjectValue(Name) is { } reference)
        {
            var given = (HasString(reference, "image_url") ? 1 : 0) + (HasString(reference, "file_id") ? 1 : 0);
            if (given != 1)
            {
                throw ApiErrorException.BadRequest(
                    "Invalid 'input_reference': provide exactly one of 'image_url' or 'file_id'.", Name, "invalid_value");
            }
        }
    }

    /// <summary>
    /// The video to edit or extend: a completed job named by {"id"}, or an uploaded video file part
    /// (null job).
    /// </summary>
    public static VideoJob? SourceVideo(RequestFields fields, EmulatorState state)
    {
        const string Name = "video";
        if (fields[Name] is { Kind: FieldKind.File, File: { } file })
        {
            return file.ContentType is not null && file.ContentType.StartsWith("video/", StringComparison.OrdinalIgnoreCase)
                ? null
                : throw ApiErrorException.BadRequest(
                    $"Invalid file type for 'video': '{file.ContentType ?? "(none)"}'. Upload a video (for example video/mp4).", Name, "invalid_type");
        }

        var reference = fields.ObjectValue(Name)
            ?? throw ApiErrorException.BadRequest("Missing required parameter: 'video'.", Name, "missing_required_parameter");
        if (!reference.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(id.GetString()))
        {
            throw ApiErrorException.BadRequest("Invalid 'video': expected an object with a video 'id'.", Name, "invalid_value");
        }

        return RequireCompleted(state.FindVideo(id.GetString()!), state);
    }

    /// <summary>A job that a new job may be derived from: completed, not merely existing.</summary>
    public static VideoJob RequireCompleted(VideoJob job, EmulatorState state)
    {
        var status = job.StateAt(state.Videos.Now).Status;
        return status == JobStatus.Completed
            ? job
            : throw ApiErrorException.BadRequest(
                $"Video '{job.Id}' is {(status == JobStatus.Failed ? "failed" : "not completed yet")}; only a completed video can be used here.",
                null,
                "video_not_ready");
    }

    private static bool HasString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0;
}
