using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading.Tasks;
using SoraPS.Emulator;

namespace SoraPS.Core.Tests;

/// <summary>Servers other than OpenAI's: Azure OpenAI's v1 API and OpenAI-compatible gateways.</summary>
public class CompatibilityTests
{
    private const string AzureKey = "azure-key-0123456789abcdef";

    [Fact]
    public async Task Azure_from_its_environment_variables_runs_the_whole_workflow_with_the_api_key_header()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions
        {
            ApiKey = AzureKey, ApiKeyHeader = "api-key", RenderTime = TimeSpan.FromMilliseconds(200), PollAfterMs = 20,
        });
        var environment = new Dictionary<string, string>
        {
            ["AZURE_OPENAI_ENDPOINT"] = server.RootUri.ToString(),
            ["AZURE_OPENAI_API_KEY"] = AzureKey,
            ["OPENAI_API_KEY"] = "sk-not-for-azure",
            ["OPENAI_ORG_ID"] = "org-not-for-azure",
        };
        var connection = SoraConnection.FromEnvironment(name => environment.TryGetValue(name, out var value) ? value : null);
        var client = new SoraClient(connection);

        await RunWorkflowAsync(client, model: "my-sora-deployment", size: "1280x720", seconds: "8");

        Assert.True(connection.Azure);
        Assert.Equal(new Uri(server.RootUri, "openai/v1/"), connection.BaseUri);
        Assert.All(server.Requests, r =>
        {
            Assert.StartsWith("/openai/v1/", r.Path, StringComparison.Ordinal);
            Assert.Equal(AzureKey, r.Headers["api-key"]);
            Assert.False(r.Headers.ContainsKey("Authorization"));
            Assert.False(r.Headers.ContainsKey("OpenAI-Organization"));
        });
    }

    [Fact]
    public async Task A_gateway_with_its_own_header_sizes_durations_and_statuses_runs_the_whole_workflow()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions
        {
            Gateway = true,
            ApiKey = "gw-key-0123456789",
            ApiKeyHeader = "x-api-key",
            RequiredHeaders = new Dictionary<string, string> { ["x-route"] = "veo" },
            RenderTime = TimeSpan.FromMilliseconds(400),
            PollAfterMs = 20,
        });
        using var key = TestEmulator.Secure("gw-key-0123456789");
        var log = new RecordingDiagnostics();
        var client = new SoraClient(
            new SoraConnection(new SoraConnectionOptions
            {
                BaseUri = server.BaseUri,
                ApiKey = key,
                ApiKeyHeader = "x-api-key",
                Headers = new Dictionary<string, string> { ["x-route"] = "veo" },
            }),
            log);

        var statuses = await RunWorkflowAsync(client, model: "gemini/veo-3.1-generate-preview", size: "1920x1080", seconds: "6");

        Assert.Contains("pending", statuses);
        Assert.DoesNotContain("queued", statuses);
        Assert.All(server.Requests, r => Assert.Equal("veo", r.Headers["x-route"]));
        Assert.Contains(log.Messages, m => m.StartsWith("DEBUG:", StringComparison.Ordinal) && m.Contains("x-api-key: gw-****", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Messages, m => m.Contains("0123456789", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_gateway_header_that_is_missing_is_the_servers_clear_refusal()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { RequiredHeaders = new Dictionary<string, string> { ["x-route"] = "veo" } });
        var client = new SoraClient(new SoraConnection(new SoraConnectionOptions { BaseUri = server.BaseUri }));

        var error = await Assert.ThrowsAsync<SoraApiException>(() => client.ListVideosAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Contains("x-route", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_access_token_is_sent_as_a_bearer_token()
    {
        var token = Jwt(DateTimeOffset.UtcNow.AddHours(1));
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { ApiKey = token, SeedCompletedJobs = 1 });
        using var secure = TestEmulator.Secure(token);
        var connection = new SoraConnection(new SoraConnectionOptions { BaseUri = server.BaseUri, AccessToken = secure });

        var page = await new SoraClient(connection).ListVideosAsync();

        Assert.Single(page.Data);
        Assert.Equal("Bearer " + token, server.Requests.Single().Headers["Authorization"]);
        Assert.True(connection.AccessTokenExpiresAt > DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task An_expired_access_token_is_refused_before_anything_is_sent()
    {
        await using var server = await EmulatorServer.StartAsync();
        using var secure = TestEmulator.Secure(Jwt(DateTimeOffset.UtcNow.AddMinutes(-5)));
        var client = new SoraClient(new SoraConnection(new SoraConnectionOptions { BaseUri = server.BaseUri, AccessToken = secure, Azure = true }));

        var error = await Assert.ThrowsAsync<SoraApiException>(() => client.CreateVideoAsync(new CreateVideoRequest("Never sent")));

        Assert.Equal("token_expired", error.ErrorCode);
        Assert.Contains("Get-AzAccessToken", error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_token_the_server_refuses_gets_advice_to_renew_it()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { ApiKey = "the-right-token" });
        using var secure = TestEmulator.Secure("an-opaque-token-that-is-not-a-jwt");
        var client = new SoraClient(new SoraConnection(new SoraConnectionOptions { BaseUri = server.BaseUri, AccessToken = secure }));

        var error = await Assert.ThrowsAsync<SoraApiException>(() => client.ListVideosAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Contains("Connect-Sora -AccessToken", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Get-AzAccessToken", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("an-opaque-token", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Authorization")]
    [InlineData("OpenAI-Project")]
    [InlineData("x-caller")]
    [InlineData("Content-Type")]
    public void Extra_headers_cannot_replace_what_SoraPS_sets(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => new SoraConnection(new SoraConnectionOptions
        {
            ApiKeyHeader = "x-caller",
            Headers = new Dictionary<string, string> { [name] = "value" },
        }));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_key_header_is_masked_in_debug_output_whatever_its_name()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { ApiKey = "plain-name-key-0123456789", ApiKeyHeader = "x-caller" });
        using var key = TestEmulator.Secure("plain-name-key-0123456789");
        var log = new RecordingDiagnostics();
        var client = new SoraClient(new SoraConnection(new SoraConnectionOptions { BaseUri = server.BaseUri, ApiKey = key, ApiKeyHeader = "x-caller" }), log);

        await client.ListVideosAsync();

        Assert.Contains(log.Messages, m => m.Contains("x-caller: pla****", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Messages, m => m.Contains("0123456789", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Deprecation", "true", "deprecation|")]
    [InlineData("Sunset", "Thu, 24 Sep 2026 00:00:00 GMT", "deprecation|")]
    public async Task Deprecation_and_sunset_headers_become_a_notice(string header, string value, string key)
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.SeedCompletedJobs = 1);
        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos") { Status = 200, Body = """{"object":"list","data":[],"first_id":null,"last_id":null,"has_more":false}""", Headers = new Dictionary<string, string> { [header] = value } });

        await emulator.Client.ListVideosAsync();

        var notice = Assert.Single(emulator.Log.Messages, m => m.StartsWith("NOTICE " + key, StringComparison.Ordinal));
        Assert.Contains("-BaseUri", notice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_videos_endpoint_a_retired_model_and_a_410_each_become_a_notice()
    {
        await using var emulator = await TestEmulator.StartAsync(maxRetries: 0);
        emulator.Server.Faults.Add(new Fault("POST", "/v1/videos") { Status = 404, Body = """{"error":{"message":"Invalid URL (POST /v1/videos)","type":"invalid_request_error","param":null,"code":null}}""" });
        await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.CreateVideoAsync(new CreateVideoRequest("x")));
        emulator.Server.Faults.Add(new Fault("POST", "/v1/videos") { Status = 404, Body = """{"error":{"message":"The model 'sora-2' does not exist","type":"invalid_request_error","param":"model","code":"model_not_found"}}""" });
        await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.CreateVideoAsync(new CreateVideoRequest("x")));
        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos") { Status = 410 });
        await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.ListVideosAsync());

        Assert.Contains(emulator.Log.Messages, m => m.StartsWith("NOTICE endpoint|", StringComparison.Ordinal) && m.Contains("2026-09-24", StringComparison.Ordinal));
        Assert.Contains(emulator.Log.Messages, m => m.StartsWith("NOTICE model|", StringComparison.Ordinal));
        Assert.Contains(emulator.Log.Messages, m => m.StartsWith("NOTICE gone|", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_video_id_or_a_gateway_without_a_list_is_not_mistaken_for_a_missing_api()
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos") { Status = 404 });

        await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.GetVideoAsync("video_missing"));
        await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.ListVideosAsync());

        Assert.DoesNotContain(emulator.Log.Messages, m => m.StartsWith("NOTICE", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://res.openai.azure.com", "https://res.openai.azure.com/openai/v1/")]
    [InlineData("https://res.openai.azure.com/", "https://res.openai.azure.com/openai/v1/")]
    [InlineData("https://res.openai.azure.com/openai", "https://res.openai.azure.com/openai/v1/")]
    [InlineData("https://res.openai.azure.com/openai/v1/", "https://res.openai.azure.com/openai/v1/")]
    public void An_azure_endpoint_becomes_its_v1_base(string endpoint, string expected)
    {
        Assert.Equal(new Uri(expected), new SoraConnection(new SoraConnectionOptions { BaseUri = SoraConnection.AzureBaseUri(new Uri(endpoint)) }).BaseUri);
    }

    [Fact]
    public void Only_a_readable_jwt_has_an_expiry()
    {
        var when = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

        Assert.Equal(when, JwtExpiry.Read(Jwt(when)));
        Assert.Null(JwtExpiry.Read("not-a-jwt"));
        Assert.Null(JwtExpiry.Read("a.b.c"));
    }

    /// <summary>A token shaped like Entra's: header.payload.signature, only "exp" matters here.</summary>
    private static string Jwt(DateTimeOffset expires)
    {
        static string Part(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return Part("""{"alg":"RS256","typ":"JWT"}""") + "." + Part($$"""{"aud":"https://cognitiveservices.azure.com","exp":{{expires.ToUnixTimeSeconds()}}}""") + ".c2lnbmF0dXJl";
    }

    /// <summary>Create, wait, list, save, remix and delete; returns every status seen while waiting.</summary>
    private static async Task<List<string>> RunWorkflowAsync(SoraClient client, string model, string size, string seconds)
    {
        var created = await client.CreateVideoAsync(new CreateVideoRequest("A lighthouse in a storm") { Model = model, Size = size, Seconds = seconds });
        var statuses = new List<string> { created.Status };
        SoraVideo? done = null;
        await foreach (var update in new VideoWaiter(client).WaitAsync([created], TestEmulator.QuickWait()))
        {
            statuses.Add(update.Video!.Status);
            done = update.Kind == WaitUpdateKind.Finished ? update.Video : done;
        }

        Assert.NotNull(done);
        Assert.True(done!.IsCompleted);
        Assert.Equal(model, done.Model);
        Assert.Equal(size, done.Size);
        Assert.Equal(seconds, done.Seconds);
        Assert.Contains((await client.ListVideosAsync()).Data, v => v.Id == done.Id);

        using var folder = new TempFolder();
        var file = await new ContentDownloader(client).DownloadAsync(done.Id, VideoVariant.Video, DownloadTarget.Folder(folder.Path), overwrite: false);
        Assert.Equal("ftyp", Encoding.ASCII.GetString(File.ReadAllBytes(file.FullName), 4, 4));

        var remix = await client.RemixVideoAsync(done.Id, "The same lighthouse at dawn");
        Assert.Equal(done.Id, remix.RemixedFromVideoId);
        Assert.True((await client.DeleteVideoAsync(done.Id)).Deleted);
        return statuses;
    }
}
