using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using SoraPS.Emulator.Tests.Support;

namespace SoraPS.Emulator.Tests;

/// <summary>The default profile is OpenAI's API as the contract describes it; the client suites rely on every detail here.</summary>
public sealed class OpenAiProfileTests
{
    [Fact]
    public async Task The_default_profile_is_openai()
    {
        Assert.Equal(EmulatorProfile.OpenAi, new EmulatorOptions().Profile);

        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { Profile = EmulatorProfile.OpenAi, RenderTime = TimeSpan.Zero });
        using var client = Api.Client(server);
        using var created = await client.PostAsync("videos", Api.Json("""{"prompt":"A lighthouse"}"""));
        var video = await Api.ReadJsonAsync(created);

        Assert.Equal(Api.VideoRequiredFields, video.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Matches("^video_[0-9a-f]{32}$", video.GetProperty("id").GetString());
        Assert.Equal("A lighthouse", video.GetProperty("prompt").GetString());
        Assert.Equal("1000", created.Headers.GetValues("openai-poll-after-ms").Single());
    }

    [Fact]
    public async Task Its_content_answers_ranges_with_validators()
    {
        await using var server = await Api.StartAsync(seed: 1);
        using var client = Api.Client(server);

        using var response = await client.GetAsync($"videos/{server.JobIds.Single()}/content?variant=thumbnail");

        Assert.Equal("image/webp", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
        Assert.NotNull(response.Headers.ETag);
        Assert.NotNull(response.Content.Headers.LastModified);
        Assert.Null(response.Content.Headers.ContentDisposition);
    }

    [Fact]
    public async Task Its_errors_carry_string_codes_and_unknown_routes_are_404_unknown_url()
    {
        await using var server = await Api.StartAsync();
        using var client = Api.Client(server);

        var missing = await Api.SendAsync(client, HttpMethod.Get, "videos/video_nope", status: 404);
        var missingContent = await Api.SendAsync(client, HttpMethod.Get, "videos/video_nope/content", status: 404);
        var unknown = await Api.SendAsync(client, HttpMethod.Put, "videos", status: 404);

        Api.AssertError(missing, null, "video_not_found");
        Api.AssertError(missingContent, null, "video_not_found");
        Api.AssertError(unknown, null, "unknown_url");
        Assert.Equal(JsonValueKind.String, missing.GetProperty("error").GetProperty("type").ValueKind);
    }
}
