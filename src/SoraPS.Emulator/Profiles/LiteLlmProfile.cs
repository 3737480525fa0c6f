using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.AspNetCore.Http;
using SoraPS.Emulator.Http;
using SoraPS.Emulator.Json;
using SoraPS.Emulator.State;

namespace SoraPS.Emulator.Profiles;

/// <summary>
/// LiteLLM's proxy (FastAPI) in front of a provider; what the three LiteLLM profiles share. Read
/// from LiteLLM's source (litellm/proxy/video_endpoints, litellm/llms/*/videos, 2025-2026):
/// ids that encode provider and model; video objects without prompt and with usage; no
/// openai-poll-after-ms; no DELETE route; downloads read whole and labelled video/mp4; its own error
/// shapes; and the API served under /v1 and without it.
/// </summary>
internal abstract class LiteLlmProfile : ServerProfile
{
    private const string ConnectionErrorPrefix = "litellm.APIConnectionError: ";

    public override IReadOnlyList<string> ApiPrefixes { get; } = ["/v1", ""];

    /// <summary>LiteLLM's own header for its key, an alternative to Authorization.</summary>
    public override string? OwnKeyHeader => "x-litellm-api-key";

    /// <summary>The proxy names each call by a UUID of its own, x-litellm-call-id; it sends no x-request-id.</summary>
    public override (string Header, string Value) NewRequestId() => ("x-litellm-call-id", Guid.NewGuid().ToString("D"));

    /// <summary>The provider's name in LiteLLM (custom_llm_provider), as the ids carry it.</summary>
    protected abstract string Provider { get; }

    public override bool HasRoute(ApiOperation operation) => operation != ApiOperation.Delete;

    public override JobIdentity Identify(JobSpec spec, long sequence) =>
        LiteLlmVideoIds.Identify(Provider, spec.Model, RawIdStem(spec), sequence);

    public override IResult Video(VideoJob job, JobState state, bool justCreated) =>
        ApiResults.Json(Describe(job, state, justCreated), ApiJsonContext.Default.GatewayVideoResource);

    /// <summary>
    /// The provider's page passed through, with only the ids in data re-encoded: first_id and
    /// last_id stay the provider's ids, and so must the 'after' a client sends back.
    /// </summary>
    public override IResult VideoList(JobPage page, DateTimeOffset now)
    {
        var items = page.Items;
        var data = items.Select(job => Describe(job, job.StateAt(now), justCreated: false)).ToArray();
        var (first, last) = items.Count == 0 ? (null, null) : (items[0].UpstreamId, items[^1].UpstreamId);
        return ApiResults.Json(
            new VideoListResource<GatewayVideoResource>("list", data, first, last, page.HasMore),
            ApiJsonContext.Default.VideoListResourceGatewayVideoResource);
    }

    /// <summary>
    /// The proxy reads the provider's bytes into memory and answers them whole, with a length, as
    /// video/mp4 whatever they are; no ranges, ETag or Last-Modified. The file name is "video_"
    /// before the id as the client sent it, unquoted, even where the id holds '/' or '+'.
    /// </summary>
    public override IResult Content(string requestedId, ContentAsset asset) =>
        ApiResults.WithHeaders(
            Results.Stream(asset.Body, "video/mp4", enableRangeProcessing: false),
            new Dictionary<string, string> { ["Content-Disposition"] = $"attachment; filename=video_{requestedId}.mp4" });

    /// <summary>
    /// LiteLLM's envelope: OpenAI's, with the code a string of the status. An error the provider
    /// answers to a retrieve, a download or a list comes back as a 500 connection error (the proxy
    /// fails to read it as the object it expected); other provider errors keep their status under
    /// the name of LiteLLM's exception class. A missing or wrong key is the proxy's own auth_error.
    /// </summary>
    public override IResult Error(ApiOperation? operation, ApiErrorException error, IReadOnlyDictionary<string, string>? headers = null)
    {
        var status = error.Status;
        string message;
        string? type = error.Type, param = error.Param;
        if (status == StatusCodes.Status401Unauthorized)
        {
            (message, type, param) = ("Authentication Error, " + error.Message, "auth_error", "None");
        }
        else if (status is >= 400 and < 500 && operation is ApiOperation.Retrieve or ApiOperation.Content or ApiOperation.List)
        {
            (status, message, type, param) = (StatusCodes.Status500InternalServerError, ConnectionErrorPrefix + error.Message, null, null);
        }
        else
        {
            message = status < 500 ? ExceptionName(status) + ": " + error.Message : error.Message;
        }

        return ApiResults.Error(status, message, type, param, status.ToString(System.Globalization.CultureInfo.InvariantCulture), headers);
    }

    /// <summary>FastAPI's own answers: 405 when a route has the path but not the method, else 404.</summary>
    public override IResult UnknownRoute(HttpRequest request, IReadOnlyCollection<string> allowedMethods) =>
        allowedMethods.Count > 0
            ? ApiResults.WithHeaders(
                ApiResults.Json(new FastApiError("Method Not Allowed"), ApiJsonContext.Default.FastApiError, StatusCodes.Status405MethodNotAllowed),
                new Dictionary<string, string> { ["Allow"] = string.Join(", ", allowedMethods) })
            : ApiResults.Json(new FastApiError("Not Found"), ApiJsonContext.Default.FastApiError, StatusCodes.Status404NotFound);

    /// <summary>The error of an operation the provider's LiteLLM integration does not implement.</summary>
    protected static ApiErrorException NotImplemented(string message) =>
        new(StatusCodes.Status500InternalServerError, "litellm.NotImplementedError: " + message, null, null, type: null);

    /// <summary>The usage LiteLLM adds for cost tracking.</summary>
    protected static VideoUsage UsageOf(VideoJob job) => new(double.Parse(job.Seconds, System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The start of the id the provider gives a job (completed by <see cref="LiteLlmVideoIds"/>).</summary>
    protected abstract string RawIdStem(JobSpec spec);

    protected abstract GatewayVideoResource Describe(VideoJob job, JobState state, bool justCreated);

    private static string ExceptionName(int status) => status switch
    {
        400 => "litellm.BadRequestError",
        403 => "litellm.PermissionDeniedError",
        404 => "litellm.NotFoundError",
        408 => "litellm.Timeout",
        422 => "litellm.UnprocessableEntityError",
        429 => "litellm.RateLimitError",
        _ => "litellm.APIError",
    };
}
