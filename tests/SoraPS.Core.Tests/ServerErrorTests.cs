using System;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using SoraPS.Emulator;

namespace SoraPS.Core.Tests;

/// <summary>
/// Every error shape that the servers users have send (GATEWAYS.md) becomes a message that quotes the
/// server's own words, with the status, method, path and request id.
/// </summary>
public class ServerErrorTests
{
    public static TheoryData<string, string, int, string, string?> Shapes => new()
    {
        // body, content type, status, words the message must quote, code
        { "{\"error\":{\"message\":\"Upstream exploded\",\"type\":null,\"param\":null,\"code\":\"500\"}}", "application/json", 500, "Upstream exploded", "500" },
        { "{\"error\":{\"message\":\"Rate limited by provider\",\"type\":\"rate\",\"param\":null,\"code\":429}}", "application/json", 400, "Rate limited by provider", "429" },
        { "{\"status\":\"failure\",\"message\":\"Please choose a valid provider\"}", "application/json", 400, "Please choose a valid provider", null },
        { "{\"detail\":\"Invalid model name passed in model=veo\"}", "application/json", 400, "Invalid model name passed in model=veo", null },
        { "{\"detail\":[{\"loc\":[\"body\",\"prompt\"],\"msg\":\"Field required\",\"type\":\"missing\"}]}", "application/json", 422, "body.prompt: Field required", null },
        { "Message: fetch failed Cause: connect ECONNREFUSED 127.0.0.1:9", "text/plain", 500, "Message: fetch failed Cause: connect ECONNREFUSED", null },
        { "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>", "text/html", 502, "an HTML page: \"502 Bad Gateway\"", null },
        { "{\"error\":\"quota exceeded for this tenant\"}", "application/json", 403, "quota exceeded for this tenant", null },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task Each_error_shape_is_quoted_with_status_method_path_and_request_id(string body, string contentType, int status, string words, string? code)
    {
        await using var emulator = await TestEmulator.StartAsync(maxRetries: 0);
        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos/*") { Status = status, ContentType = contentType, Body = body });

        var error = await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.GetVideoAsync("video_abc"));

        Assert.Equal((HttpStatusCode)status, error.StatusCode);
        Assert.Contains(words, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("GET /v1/videos/video_abc failed with " + status, error.Message, StringComparison.Ordinal);
        Assert.Equal(code, error.ErrorCode);
        Assert.NotNull(error.RequestId);
        Assert.Contains("request id " + error.RequestId, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(405, "{\"detail\":\"Method Not Allowed\"}", "text/plain")]
    [InlineData(404, "{\"detail\":\"Not Found\"}", "application/json")]
    [InlineData(501, "", "text/plain")]
    public async Task A_gateway_without_a_delete_route_is_said_to_not_offer_deleting(int status, string body, string contentType)
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.Server.Faults.Add(new Fault("DELETE", "/v1/videos/*") { Status = status, Body = body.Length == 0 ? null : body, ContentType = contentType, Count = 5 });

        var error = await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.DeleteVideoAsync("video_abc"));

        Assert.True(error.IsNotSupported);
        Assert.Contains("does not offer deleting video jobs", error.Message, StringComparison.Ordinal);
        Assert.Single(emulator.Server.Requests);
    }

    [Fact]
    public async Task A_list_the_provider_cannot_serve_is_not_offered_and_not_retried()
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos")
        {
            Status = 500,
            Count = 5,
            Body = "{\"error\":{\"message\":\"litellm.NotImplementedError: Video list is not supported by Google Veo\",\"type\":null,\"param\":null,\"code\":\"500\"}}",
        });

        var error = await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.ListVideosAsync());

        Assert.True(error.IsNotSupported);
        Assert.Contains("does not offer listing video jobs", error.Message, StringComparison.Ordinal);
        Assert.Contains("Video list is not supported by Google Veo", error.Message, StringComparison.Ordinal);
        Assert.Single(emulator.Server.Requests);
    }

    [Fact]
    public async Task A_404_for_an_unknown_job_is_not_mistaken_for_a_missing_route()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var error = await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.DeleteVideoAsync("video_doesnotexist"));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.False(error.IsNotSupported);
        Assert.Equal("video_not_found", error.ErrorCode);
    }

    [Fact]
    public async Task A_401_when_no_key_was_given_says_how_to_give_one()
    {
        await using var emulator = await TestEmulator.StartAsync(options => options.ApiKey = "sk-wanted");

        var error = await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.ListVideosAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Contains("You didn't provide an API key", error.Message, StringComparison.Ordinal);
        Assert.Contains("Connect-Sora -ApiKey", error.Message, StringComparison.Ordinal);
        Assert.Contains("OPENAI_API_KEY", error.Message, StringComparison.Ordinal);
        Assert.Contains("-ApiKeyHeader", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_401_for_a_wrong_key_does_not_claim_that_none_was_sent()
    {
        await using var emulator = await TestEmulator.StartAsync(options => options.ApiKey = "sk-wanted", apiKey: "sk-wrong");

        var error = await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.ListVideosAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.DoesNotContain("No key was sent", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-wrong", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_200_with_an_error_object_instead_of_a_job_quotes_the_error()
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos/*")
        {
            Status = 200,
            Body = "{\"error\":{\"message\":\"Failed to fetch video\",\"type\":\"server_error\"}}",
        });

        var error = await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.GetVideoAsync("video_abc"));

        Assert.Equal("invalid_json", error.ErrorCode);
        Assert.Contains("Failed to fetch video", error.Message, StringComparison.Ordinal);
    }
}
