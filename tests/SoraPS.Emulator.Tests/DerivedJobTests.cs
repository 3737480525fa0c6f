using System;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using SoraPS.Emulator.Tests.Support;

namespace SoraPS.Emulator.Tests;

public sealed class DerivedJobTests
{
    [Fact]
    public async Task Remix_of_a_completed_video_copies_its_settings_and_names_its_source()
    {
        await using var server = await Api.StartAsync(TimeSpan.Zero);
        using var client = Api.Client(server);
        var source = await Api.SendAsync(client, HttpMethod.Post, "videos", Api.Json("""{"prompt":"Cat","seconds":"8","size":"1280x720","model":"sora-2-pro"}"""));
        var sourceId = source.GetProperty("id").GetString()!;

        var remix = await Api.SendAsync(client, HttpMethod.Post, $"videos/{sourceId}/remix", Api.Json("""{"prompt":"Cat bows"}"""));

        Api.AssertVideo(remix);
        Assert.Equal(sourceId, remix.GetProperty("remixed_from_video_id").GetString());
        Assert.Equal("sora-2-pro", remix.GetProperty("model").GetString());
        Assert.Equal("8", remix.GetProperty("seconds").GetString());
        Assert.Equal("1280x720", remix.GetProperty("size").GetString());
        Assert.Equal("Cat bows", remix.GetProperty("prompt").GetString());
        Assert.Equal(2, server.JobsCreated);
    }

    [Fact]
    public async Task Remix_needs_an_existing_completed_source()
    {
        await using var server = await Api.StartAsync(TimeSpan.FromHours(1));
        using var client = Api.Client(server);
        var pending = (await Api.CreateAsync(client, "Pending")).GetProperty("id").GetString()!;

        var unknown = await Api.SendAsync(client, HttpMethod.Post, "videos/video_nope/remix", Api.Form(("prompt", "x")), status: 404);
        var notReady = await Api.SendAsync(client, HttpMethod.Post, $"videos/{pending}/remix", Api.Form(("prompt", "x")), status: 400);

        Api.AssertError(unknown, null, "video_not_found");
        Api.AssertError(notReady, null, "video_not_ready");
    }

    [Fact]
    public async Task Edit_takes_a_video_reference_or_an_uploaded_video()
    {
        await using var server = await Api.StartAsync(TimeSpan.Zero, seed: 1);
        using var client = Api.Client(server);
        var sourceId = server.JobIds.Single();
        using var upload = Api.Form(("prompt", "Make it night"));
        Api.AddFile(upload, "video", "clip.mp4", "video/mp4");

        var byReference = await Api.SendAsync(client, HttpMethod.Post, "videos/edits", Api.Json($$$"""{"prompt":"Make it rain","video":{"id":"{{{sourceId}}}"}}"""));
        var byJsonText = await Api.SendAsync(client, HttpMethod.Post, "videos/edits", Api.Form(("prompt", "Snow"), ("video", $$$"""{"id":"{{{sourceId}}}"}""")));
        var byUpload = await Api.SendAsync(client, HttpMethod.Post, "videos/edits", upload);
        var missing = await Api.SendAsync(client, HttpMethod.Post, "videos/edits", Api.Json("""{"prompt":"x"}"""), status: 400);

        Api.AssertVideo(byReference);
        Api.AssertVideo(byJsonText);
        Api.AssertVideo(byUpload);
        Api.AssertError(missing, "video", "missing_required_parameter");
        Assert.Equal("clip.mp4", server.Requests[2].Parts.Single(p => p.Name == "video").FileName);
    }

    [Fact]
    public async Task Extension_seconds_is_the_stitched_total()
    {
        await using var server = await Api.StartAsync(TimeSpan.Zero);
        using var client = Api.Client(server);
        var source = await Api.SendAsync(client, HttpMethod.Post, "videos", Api.Json("""{"prompt":"Start","seconds":"8"}"""));
        var sourceId = source.GetProperty("id").GetString();

        var extended = await Api.SendAsync(client, HttpMethod.Post, "videos/extensions",
            Api.Json($$$"""{"prompt":"And then","seconds":"12","video":{"id":"{{{sourceId}}}"}}"""));
        var badSeconds = await Api.SendAsync(client, HttpMethod.Post, "videos/extensions",
            Api.Json($$$"""{"prompt":"And then","seconds":"7","video":{"id":"{{{sourceId}}}"}}"""), status: 400);
        var noSeconds = await Api.SendAsync(client, HttpMethod.Post, "videos/extensions",
            Api.Json($$$"""{"prompt":"And then","video":{"id":"{{{sourceId}}}"}}"""), status: 400);

        Api.AssertVideo(extended);
        Assert.Equal("20", extended.GetProperty("seconds").GetString());
        Api.AssertError(badSeconds, "seconds", "invalid_value");
        Api.AssertError(noSeconds, "seconds", "missing_required_parameter");
    }

    [Fact]
    public async Task Character_is_created_from_an_upload_and_retrieved()
    {
        await using var server = await Api.StartAsync();
        using var client = Api.Client(server);
        using var form = Api.Form(("name", "Captain Cat"));
        Api.AddFile(form, "video", "cat.mp4", "video/mp4");

        var created = await Api.SendAsync(client, HttpMethod.Post, "videos/characters", form);
        var id = created.GetProperty("id").GetString()!;
        var fetched = await Api.SendAsync(client, HttpMethod.Get, "videos/characters/" + id);
        var unknown = await Api.SendAsync(client, HttpMethod.Get, "videos/characters/char_nope", status: 404);
        var longName = await Api.SendAsync(client, HttpMethod.Post, "videos/characters", Api.Form(("name", new string('n', 81))), status: 400);

        Assert.StartsWith("char_", id, StringComparison.Ordinal);
        Assert.Equal(["id", "name", "created_at"], created.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("Captain Cat", fetched.GetProperty("name").GetString());
        Assert.Equal(created.GetProperty("created_at").GetInt64(), fetched.GetProperty("created_at").GetInt64());
        Api.AssertError(unknown, null, "character_not_found");
        Api.AssertError(longName, "name", "string_above_max_length");
    }
}
