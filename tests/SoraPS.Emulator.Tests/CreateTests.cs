using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using SoraPS.Emulator.Tests.Support;

namespace SoraPS.Emulator.Tests;

public sealed class CreateTests
{
    [Fact]
    public async Task Multipart_create_answers_a_queued_video_with_every_required_field_and_the_defaults()
    {
        await using var server = await Api.StartAsync();
        using var client = Api.Client(server);

        using var response = await client.PostAsync("videos", Api.Form(("prompt", "A calico cat playing a piano")));
        var video = await Api.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Api.AssertVideo(video);
        Assert.Equal("queued", video.GetProperty("status").GetString());
        Assert.Equal(0, video.GetProperty("progress").GetInt32());
        Assert.Equal("sora-2", video.GetProperty("model").GetString());
        Assert.Equal("4", video.GetProperty("seconds").GetString());
        Assert.Equal("720x1280", video.GetProperty("size").GetString());
        Assert.Null(Api.NullableString(video.GetProperty("completed_at")));
        Assert.Equal("1000", response.Headers.GetValues("openai-poll-after-ms").Single());
        Assert.Matches(new Regex("^req_[0-9a-f]{32}$"), response.Headers.GetValues("x-request-id").Single());
        Assert.Equal(1, server.JobsCreated);
        Assert.Equal([video.GetProperty("id").GetString()!], server.JobIds);
    }

    [Fact]
    public async Task Json_create_keeps_the_given_values_and_ignores_unknown_fields()
    {
        await using var server = await Api.StartAsync();
        using var client = Api.Client(server);

        var video = await Api.SendAsync(client, HttpMethod.Post, "videos", Api.Json(
            """{"prompt":"Waves","model":"gemini/veo-3.1","seconds":"12","size":"1792x1024","input_reference":{"image_url":"https://example.com/a.png"},"unknown":[1]}"""));

        Assert.Equal("gemini/veo-3.1", video.GetProperty("model").GetString());
        Assert.Equal("12", video.GetProperty("seconds").GetString());
        Assert.Equal("1792x1024", video.GetProperty("size").GetString());
        Assert.Equal("Waves", video.GetProperty("prompt").GetString());
        var recorded = Assert.Single(server.Requests);
        Assert.Contains("\"input_reference\"", recorded.JsonBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Multipart_parts_are_recorded_with_their_raw_headers()
    {
        await using var server = await Api.StartAsync();
        using var client = Api.Client(server);
        using var form = Api.Form(("prompt", "With a first frame"), ("size", "1280x720"));
        Api.AddFile(form, "input_reference", "ref.png", "image/png", length: 300);

        using var response = await client.PostAsync("videos", form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/videos", request.Path);
        Assert.StartsWith("multipart/form-data", request.Headers["Content-Type"], StringComparison.Ordinal);
        var file = request.Parts.Single(p => p.Name == "input_reference");
        Assert.Equal("form-data; name=\"input_reference\"; filename=\"ref.png\"", file.ContentDisposition);
        Assert.Equal("ref.png", file.FileName);
        Assert.Equal("image/png", file.ContentType);
        Assert.Equal(300, file.Length);
        Assert.Null(request.Parts.Single(p => p.Name == "prompt").FileName);
    }

    [Fact]
    public async Task Multipart_input_reference_may_be_a_json_text_field()
    {
        await using var server = await Api.StartAsync();
        using var client = Api.Client(server);

        var video = await Api.SendAsync(client, HttpMethod.Post, "videos",
            Api.Form(("prompt", "From a file"), ("input_reference", """{"file_id":"file-123"}""")));

        Api.AssertVideo(video);
    }

    [Fact]
    public async Task Azure_style_base_serves_the_same_api()
    {
        await using var server = await Api.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(server.RootUri, "openai/v1/") };

        var created = await Api.CreateAsync(client, "Azure");
        var fetched = await Api.SendAsync(client, HttpMethod.Get, "videos/" + created.GetProperty("id").GetString());

        Assert.Equal(created.GetProperty("id").GetString(), fetched.GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("GET", "videos/video_missing", "video_not_found")]
    [InlineData("GET", "models", "unknown_url")]
    [InlineData("PUT", "videos", "unknown_url")]
    [InlineData("POST", "videos/video_x", "unknown_url")]
    public async Task Unknown_ids_and_routes_answer_404_with_the_envelope(string method, string path, string code)
    {
        await using var server = await Api.StartAsync();
        using var client = Api.Client(server);

        var body = await Api.SendAsync(client, new HttpMethod(method), path, status: 404);

        Api.AssertError(body, param: null, code);
    }
}
