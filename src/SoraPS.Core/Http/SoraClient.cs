using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using SoraPS.Core.Http;
using SoraPS.Core.Json;

namespace SoraPS;

/// <summary>
/// The endpoints of the Videos API, against any base URL of that shape. Cheap to create (one per command);
/// connections are pooled by the process-wide HttpClient underneath. Sending is <see cref="SoraTransport"/>'s
/// job, bodies are <see cref="RequestBodies"/>', and what an answer means is <see cref="ResponseReader"/>'s.
/// </summary>
public sealed partial class SoraClient
{
    private readonly SoraTransport transport;

    public SoraClient(SoraConnection connection, ISoraDiagnostics? diagnostics = null, HttpClient? httpClient = null)
    {
        Connection = connection ?? throw new ArgumentNullException(nameof(connection));
        Log = diagnostics ?? NullDiagnostics.Instance;
        transport = new SoraTransport(connection, Log, httpClient ?? SharedHttpClient.Instance);
    }

    public SoraConnection Connection { get; }

    /// <summary>Where this client's work (downloads, waits) tells what it does.</summary>
    internal ISoraDiagnostics Log { get; }

    public async Task<SoraVideo> CreateVideoAsync(CreateVideoRequest request, CancellationToken cancellationToken = default)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        return await CreateVideoAsync(request.Validate(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates a job from a request already checked (so a caller can check before asking to confirm).</summary>
    public async Task<SoraVideo> CreateVideoAsync(ValidatedCreateVideoRequest valid, CancellationToken cancellationToken = default)
    {
        if (valid is null)
        {
            throw new ArgumentNullException(nameof(valid));
        }

        var request = new ApiRequest(HttpMethod.Post, "videos", ApiOperation.Create, RequestKind.StartsJob, () => RequestBodies.CreateVideo(valid));
        return (await SendJsonAsync(request, SoraJsonContext.Default.SoraVideo, cancellationToken).ConfigureAwait(false)).Value;
    }

    public async Task<SoraVideo> GetVideoAsync(string id, CancellationToken cancellationToken = default) =>
        (await GetVideoWithPollHintAsync(id, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>Retrieves a job together with the server's suggested polling delay, if it gave one.</summary>
    internal Task<ApiResult<SoraVideo>> GetVideoWithPollHintAsync(string id, CancellationToken cancellationToken) =>
        SendJsonAsync(new ApiRequest(HttpMethod.Get, VideoPath(id), ApiOperation.Retrieve, RequestKind.Idempotent), SoraJsonContext.Default.SoraVideo, cancellationToken);

    public async Task<SoraVideoPage> ListVideosAsync(ListVideosQuery? query = null, CancellationToken cancellationToken = default) =>
        (await ListVideosWithPollHintAsync(query, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>One page of the job list, with the server's suggested polling delay.</summary>
    internal async Task<ApiResult<SoraVideoPage>> ListVideosWithPollHintAsync(ListVideosQuery? query, CancellationToken cancellationToken)
    {
        query ??= new ListVideosQuery();
        InputValidation.ListLimit(query.Limit);
        var parameters = new List<string>();
        if (query.Limit is { } limit)
        {
            parameters.Add("limit=" + limit.ToString(CultureInfo.InvariantCulture));
        }

        if (query.Order is { } order)
        {
            parameters.Add("order=" + (order == ListOrder.Asc ? "asc" : "desc"));
        }

        if (!string.IsNullOrEmpty(query.After))
        {
            parameters.Add("after=" + Uri.EscapeDataString(query.After));
        }

        var path = parameters.Count == 0 ? "videos" : "videos?" + string.Join("&", parameters);
        var result = await SendJsonAsync(new ApiRequest(HttpMethod.Get, path, ApiOperation.List, RequestKind.Idempotent), SoraJsonContext.Default.SoraVideoPage, cancellationToken)
            .ConfigureAwait(false);
        result.Value.Data ??= [];
        return result;
    }

    /// <summary>
    /// Every page from <paramref name="query"/> on, fetched only when the previous one has been consumed,
    /// so a consumer that stops early stops the requests too. Pages follow the server's own cursor
    /// (<c>last_id</c>), which some gateways keep in another form than the ids in <c>data</c>.
    /// </summary>
    public async IAsyncEnumerable<SoraVideoPage> ListAllPagesAsync(
        ListVideosQuery? query = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        query ??= new ListVideosQuery();
        var after = query.After;
        while (true)
        {
            var page = await ListVideosAsync(new ListVideosQuery { Limit = query.Limit, Order = query.Order, After = after }, cancellationToken)
                .ConfigureAwait(false);
            yield return page;
            if (page.HasMore != true)
            {
                yield break;
            }

            // A server that says "more" without moving the cursor would loop forever.
            var next = page.LastId ?? (page.Data.Count > 0 ? page.Data[page.Data.Count - 1].Id : null);
            if (string.IsNullOrEmpty(next) || string.Equals(next, after, StringComparison.Ordinal))
            {
                throw new SoraApiException(
                    HttpStatusCode.OK,
                    $"The server said more jobs follow but gave no new cursor (last id '{next}'). Listing stopped to avoid a loop.",
                    SoraApiException.InvalidResponseType,
                    "cursor_not_advancing",
                    "after",
                    null,
                    "GET",
                    new Uri(Connection.BaseUri, "videos").AbsolutePath);
            }

            after = next;
        }
    }

    public async Task<SoraVideoDeletion> DeleteVideoAsync(string id, CancellationToken cancellationToken = default) =>
        (await SendJsonAsync(new ApiRequest(HttpMethod.Delete, VideoPath(id), ApiOperation.Delete, RequestKind.Idempotent), SoraJsonContext.Default.SoraVideoDeletion, cancellationToken)
            .ConfigureAwait(false)).Value;

    public async Task<SoraVideo> RemixVideoAsync(string id, string prompt, CancellationToken cancellationToken = default)
    {
        var body = new PromptBody { Prompt = InputValidation.Prompt(prompt) };
        var request = new ApiRequest(
            HttpMethod.Post, VideoPath(id) + "/remix", ApiOperation.Remix, RequestKind.StartsJob, () => RequestBodies.Json(body, SoraJsonContext.Default.PromptBody));
        return (await SendJsonAsync(request, SoraJsonContext.Default.SoraVideo, cancellationToken).ConfigureAwait(false)).Value;
    }

    /// <summary>
    /// Asks for one variant's bytes, from <paramref name="resumeFrom"/> on when given (a Range request
    /// that only holds while the server's ETag still matches). The caller owns the response and streams it.
    /// </summary>
    internal Task<HttpResponseMessage> GetContentAsync(string id, VideoVariant variant, CancellationToken cancellationToken, ResumePoint? resumeFrom = null)
    {
        var request = new ApiRequest(
            HttpMethod.Get,
            VideoPath(id) + "/content?variant=" + VariantName(variant),
            ApiOperation.Content,
            RequestKind.Idempotent,
            prepare: resumeFrom is null ? null : message =>
            {
                message.Headers.Range = new RangeHeaderValue(resumeFrom.Offset, null);
                message.Headers.IfRange = new RangeConditionHeaderValue(EntityTagHeaderValue.Parse(resumeFrom.ETag));
            });
        return transport.SendAsync(request, (response, _, _) => Task.FromResult(response), cancellationToken);
    }

    internal static string VariantName(VideoVariant variant) => variant switch
    {
        VideoVariant.Thumbnail => "thumbnail",
        VideoVariant.Spritesheet => "spritesheet",
        _ => "video",
    };

    /// <summary>
    /// An id is a server value of any length and characters (gateways send base64 with '/', '+' and '='):
    /// it is escaped so that it can never change the path it goes into.
    /// </summary>
    internal static string VideoPath(string id) => "videos/" + Uri.EscapeDataString(InputValidation.VideoId(id));

    private Task<ApiResult<T>> SendJsonAsync<T>(ApiRequest request, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken) =>
        transport.SendAsync(
            request,
            async (response, target, attemptToken) =>
            {
                using (response)
                {
                    var bytes = await ResponseReader.ReadBodyAsync(response.Content, int.MaxValue, attemptToken).ConfigureAwait(false);
                    return new ApiResult<T>(
                        ResponseReader.ParseSuccess(response, bytes, typeInfo, request, target),
                        ResponseReader.PollAfter(response),
                        ResponseReader.RequestId(response));
                }
            },
            cancellationToken);
}

/// <summary>A parsed answer with the headers that matter to the caller.</summary>
internal readonly struct ApiResult<T>
{
    public ApiResult(T value, TimeSpan? pollAfter, string? requestId)
    {
        Value = value;
        PollAfter = pollAfter;
        RequestId = requestId;
    }

    public T Value { get; }

    public TimeSpan? PollAfter { get; }

    public string? RequestId { get; }
}
