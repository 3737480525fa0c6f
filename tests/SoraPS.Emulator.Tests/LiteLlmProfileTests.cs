using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using SoraPS.Emulator.Tests.Support;

namespace SoraPS.Emulator.Tests;

/// <summary>What the three LiteLLM profiles share: LiteLLM's proxy, whatever the provider behind it.</summary>
public sealed class LiteLlmProfileTests
{
    public static TheoryData<EmulatorProfile> Profiles => new() { EmulatorProfile.LiteLlmOpenAi, EmulatorProfile.LiteLlmGemini, EmulatorProfile.LiteLlmRunway };

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task Ids_encode_provider_model_and_upstream_id_in_padded_base64_with_plus_and_slash(EmulatorProfile profile)
    {
        await using var server = await Api.StartAsync(profile, TimeSpan.Zero);
        using var client = Api.Client(server);
        const string Model = "the-model";

        var ids = new string[3];
        for (var i = 0; i < ids.Length; i++)
        {
            using var response = await client.PostAsync("videos", Api.Json($$"""{"prompt":"Clip {{i}}","model":"{{Model}}"}"""));
            ids[i] = (await Api.ReadJsonAsync(response)).GetProperty("id").GetString()!;
        }

        var plain = ids.Select(id => Encoding.UTF8.GetString(Convert.FromBase64String(id["video_".Length..]))).ToArray();
        var expectedStart = $"litellm:custom_llm_provider:{ProviderName(profile)};model_id:{Model};video_id:";
        Assert.All(plain, text => Assert.StartsWith(expectedStart, text, StringComparison.Ordinal));
        Assert.All(ids, id => Assert.StartsWith("video_", id, StringComparison.Ordinal));
        Assert.All(ids, id => Assert.True(id.Length >= 120, $"{id} is {id.Length} characters"));
        Assert.All(ids, id => Assert.EndsWith("=", id, StringComparison.Ordinal));
        Assert.Contains(ids, id => id.Contains('+', StringComparison.Ordinal));
        Assert.Contains(ids, id => id.Contains('/', StringComparison.Ordinal));
        Assert.Equal(ids, server.JobIds);
        var sharedPrefix = Enumerable.Range(0, ids.Min(id => id.Length)).TakeWhile(n => ids.All(id => id[n] == ids[0][n])).Count();
        Assert.True(sharedPrefix >= 60, $"the ids share only {sharedPrefix} leading characters");
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task Ids_with_plus_and_slash_are_retrieved_and_downloaded_when_escaped(EmulatorProfile profile)
    {
        await using var server = await Api.StartAsync(profile, TimeSpan.Zero);
        using var client = Api.Client(server);
        await Api.CreateAsync(client, "One");
        await Api.CreateAsync(client, "Two");
        var withPlus = server.JobIds.Single(id => id.Contains('+', StringComparison.Ordinal));
        var withSlash = server.JobIds.Single(id => id.Contains('/', StringComparison.Ordinal));

        foreach (var id in new[] { withPlus, withSlash })
        {
            var video = await Api.SendAsync(client, HttpMethod.Get, $"videos/{Api.Escape(id)}");
            var bytes = await client.GetByteArrayAsync($"videos/{Api.Escape(id)}/content");

            Assert.Equal(id, video.GetProperty("id").GetString());
            Assert.Equal("ftyp", Encoding.ASCII.GetString(bytes, 4, 4));
        }

        // '+' and '=' are plain characters in a path; a raw '/' makes another path, which no route has.
        var unescapedPlus = await Api.SendAsync(client, HttpMethod.Get, $"videos/{withPlus}");
        var unescapedSlash = await Api.SendAsync(client, HttpMethod.Get, $"videos/{withSlash}", status: 404);
        var unescapedSlashContent = await Api.SendAsync(client, HttpMethod.Get, $"videos/{withSlash}/content", status: 404);

        Assert.Equal(withPlus, unescapedPlus.GetProperty("id").GetString());
        Assert.Equal("Not Found", unescapedSlash.GetProperty("detail").GetString());
        Assert.Equal("Not Found", unescapedSlashContent.GetProperty("detail").GetString());
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task Video_objects_have_no_prompt_a_usage_object_and_no_polling_or_retry_headers(EmulatorProfile profile)
    {
        await using var server = await Api.StartAsync(profile, TimeSpan.FromMinutes(1));
        using var client = Api.Client(server);

        using var created = await client.PostAsync("videos", Api.Json("""{"prompt":"A fox","seconds":"8"}"""));
        var video = await Api.ReadJsonAsync(created);
        using var retrieved = await client.GetAsync($"videos/{Api.Escape(video.GetProperty("id").GetString()!)}");
        var again = await Api.ReadJsonAsync(retrieved);

        Assert.False(video.TryGetProperty("prompt", out _));
        Assert.False(again.TryGetProperty("prompt", out _));
        Assert.Equal(8, video.GetProperty("usage").GetProperty("duration_seconds").GetDouble());
        Assert.True(again.TryGetProperty("usage", out _));
        foreach (var response in new[] { created, retrieved })
        {
            Assert.False(response.Headers.Contains("openai-poll-after-ms"));
            Assert.Null(response.Headers.RetryAfter);
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task There_is_no_delete_route_only_FastAPIs_405(EmulatorProfile profile)
    {
        await using var server = await Api.StartAsync(profile, TimeSpan.Zero, seed: 1);
        using var client = Api.Client(server);
        var id = server.JobIds.Single();

        using var response = await client.DeleteAsync($"videos/{Api.Escape(id)}");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("""{"detail":"Method Not Allowed"}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("GET", response.Content.Headers.Allow.Single());
        Assert.Equal([id], server.JobIds);
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task Content_is_the_whole_asset_labelled_mp4_as_an_attachment_without_ranges_or_validators(EmulatorProfile profile)
    {
        await using var server = await Api.StartAsync(profile, seed: 1);
        using var client = Api.Client(server);
        var id = server.JobIds.Single();
        var path = $"videos/{Api.Escape(id)}/content";

        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Range = new RangeHeaderValue(100, 199);
        using var response = await client.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("video/mp4", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("ftyp", Encoding.ASCII.GetString(bytes, 4, 4));
        Assert.Equal(bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Content.Headers.NonValidated["Content-Length"].Single());
        Assert.Equal($"attachment; filename=video_{id}.mp4", response.Content.Headers.NonValidated["Content-Disposition"].Single());
        Assert.Null(response.Content.Headers.ContentRange);
        Assert.Empty(response.Headers.AcceptRanges);
        Assert.Null(response.Headers.ETag);
        Assert.Null(response.Content.Headers.LastModified);
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task A_provider_error_on_retrieve_or_content_comes_back_as_a_500_connection_error(EmulatorProfile profile)
    {
        await using var server = await Api.StartAsync(profile, TimeSpan.FromMinutes(1));
        using var client = Api.Client(server);
        var running = (await Api.CreateAsync(client, "Takes a while")).GetProperty("id").GetString()!;

        var unknown = await Api.SendAsync(client, HttpMethod.Get, "videos/video_unknown", status: 500);
        var unknownContent = await Api.SendAsync(client, HttpMethod.Get, "videos/video_unknown/content", status: 500);
        var notReady = await Api.SendAsync(client, HttpMethod.Get, $"videos/{Api.Escape(running)}/content", status: 500);

        Api.AssertLiteLlmError(unknown, 500, "litellm.APIConnectionError: Video with id 'video_unknown' not found.");
        Api.AssertLiteLlmError(unknownContent, 500, "litellm.APIConnectionError: ");
        Api.AssertLiteLlmError(notReady, 500, "litellm.APIConnectionError: ");
        Assert.Contains("not ready", notReady.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task Create_validation_errors_stay_400_with_a_string_code(EmulatorProfile profile)
    {
        await using var server = await Api.StartAsync(profile);
        using var client = Api.Client(server);

        var missing = await Api.SendAsync(client, HttpMethod.Post, "videos", Api.Json("""{"model":"m"}"""), status: 400);
        var badSeconds = await Api.SendAsync(client, HttpMethod.Post, "videos", Api.Json("""{"prompt":"x","seconds":"0"}"""), status: 400);

        Api.AssertLiteLlmError(missing, 400, "litellm.BadRequestError: ");
        Assert.Equal("prompt", missing.GetProperty("error").GetProperty("param").GetString());
        Api.AssertLiteLlmError(badSeconds, 400, "litellm.BadRequestError: ");
        Assert.Equal(0, server.JobsCreated);
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task Unknown_routes_are_FastAPI_404s_and_the_API_is_served_without_v1_too(EmulatorProfile profile)
    {
        await using var server = await Api.StartAsync(profile, TimeSpan.Zero, seed: 1);
        using var root = new HttpClient { BaseAddress = server.RootUri };
        var id = Api.Escape(server.JobIds.Single());

        var unknown = await Api.SendAsync(root, HttpMethod.Get, "v1/nothing/here", status: 404);
        var azureStyle = await Api.SendAsync(root, HttpMethod.Get, $"openai/v1/videos/{id}", status: 404);
        var withoutV1 = await Api.SendAsync(root, HttpMethod.Get, $"videos/{id}");

        Assert.Equal("""{"detail":"Not Found"}""", unknown.GetRawText());
        Assert.Equal("Not Found", azureStyle.GetProperty("detail").GetString());
        Assert.Equal(server.JobIds.Single(), withoutV1.GetProperty("id").GetString());
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task A_missing_key_is_LiteLLMs_auth_error_and_x_litellm_api_key_carries_it_too(EmulatorProfile profile)
    {
        const string Key = "sk-litellm-0123456789";
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { Profile = profile, ApiKey = Key, SeedCompletedJobs = 1 });
        using var client = Api.Client(server);
        var path = $"videos/{Api.Escape(server.JobIds.Single())}";

        var denied = await Api.SendAsync(client, HttpMethod.Get, path, status: 401);
        using var ownHeader = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { { "x-litellm-api-key", Key } } };
        using var viaOwnHeader = await client.SendAsync(ownHeader);
        using var bearer = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", Key) } };
        using var viaBearer = await client.SendAsync(bearer);

        Api.AssertLiteLlmError(denied, 401, "Authentication Error, ");
        Assert.Equal("auth_error", denied.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.OK, viaOwnHeader.StatusCode);
        Assert.Equal(HttpStatusCode.OK, viaBearer.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task Content_error_trigger_is_an_error_body_labelled_mp4(EmulatorProfile profile)
    {
        await using var server = await Api.StartAsync(profile, TimeSpan.Zero);
        using var client = Api.Client(server);
        var id = (await Api.CreateAsync(client, "Broken storage #content_error")).GetProperty("id").GetString()!;
        await Api.WaitForAsync(client, Api.Escape(id), "completed");

        using var response = await client.GetAsync($"videos/{Api.Escape(id)}/content");
        var body = await Api.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("video/mp4", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("Failed to fetch video content", body.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("server_error", body.GetProperty("error").GetProperty("type").GetString());
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task A_faults_standard_envelope_is_LiteLLMs(EmulatorProfile profile)
    {
        await using var server = await Api.StartAsync(profile);
        using var client = Api.Client(server);
        server.Faults.Add(new Fault("POST", "/v1/videos") { Status = 429 });

        var limited = await Api.SendAsync(client, HttpMethod.Post, "videos", Api.Json("""{"prompt":"x"}"""), status: 429);

        Api.AssertLiteLlmError(limited, 429, "litellm.RateLimitError: ");
        Assert.Equal(JsonValueKind.String, limited.GetProperty("error").GetProperty("code").ValueKind);
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task Each_answer_is_named_by_the_proxys_call_id_and_not_by_an_openai_request_id(EmulatorProfile profile)
    {
        await using var server = await Api.StartAsync(profile);
        using var client = Api.Client(server);

        using var created = await client.PostAsync("videos", Api.Json("""{"prompt":"x"}"""));
        using var missing = await client.GetAsync("videos/video_bm90IGEgam9i");

        var ids = new[] { created, missing }.Select(response =>
        {
            Assert.False(response.Headers.Contains("x-request-id"));
            return Assert.Single(response.Headers.GetValues("x-litellm-call-id"));
        }).ToArray();
        Assert.All(ids, id => Assert.True(Guid.TryParseExact(id, "D", out _), $"{id} is not a UUID"));
        Assert.NotEqual(ids[0], ids[1]);
    }

    private static string ProviderName(EmulatorProfile profile) => profile switch
    {
        EmulatorProfile.LiteLlmOpenAi => "openai",
        EmulatorProfile.LiteLlmGemini => "gemini",
        _ => "runwayml",
    };
}
