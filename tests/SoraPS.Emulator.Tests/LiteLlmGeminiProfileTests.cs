using System;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using SoraPS.Emulator.Tests.Support;

namespace SoraPS.Emulator.Tests;

/// <summary>LiteLLM in front of Google Veo (Gemini API): operations that say little and never fail.</summary>
public sealed class LiteLlmGeminiProfileTests
{
    private static readonly string[] Unsaid = ["created_at", "completed_at", "expires_at", "error", "progress", "remixed_from_video_id", "seconds", "size", "model"];

    [Fact]
    public async Task A_job_is_processing_until_completed_and_says_only_id_object_and_status()
    {
        await using var server = await Api.StartAsync(EmulatorProfile.LiteLlmGemini, TimeSpan.FromSeconds(2));
        using var client = Api.Client(server);
        var created = await Api.CreateAsync(client, "Waves");

        var statuses = await Api.SeenStatusesAsync(client, created, "completed", "failed");
        var done = await Api.SendAsync(client, HttpMethod.Get, "videos/" + Api.Escape(created.GetProperty("id").GetString()!));

        Assert.Equal(["processing", "completed"], statuses);
        Assert.Equal("video", done.GetProperty("object").GetString());
        Assert.All(Unsaid, name => Assert.Equal(JsonValueKind.Null, done.GetProperty(name).ValueKind));
        Assert.All(Unsaid, name => Assert.Equal(JsonValueKind.Null, created.GetProperty(name).ValueKind));
        Assert.Equal(JsonValueKind.Null, done.GetProperty("usage").ValueKind);
        Assert.Equal(8, created.GetProperty("usage").GetProperty("duration_seconds").GetDouble());
    }

    [Fact]
    public async Task A_blocked_job_stays_processing_for_ever_and_counts_as_unfinished()
    {
        await using var server = await Api.StartAsync(EmulatorProfile.LiteLlmGemini, TimeSpan.FromMilliseconds(200));
        using var client = Api.Client(server);
        var blocked = (await Api.CreateAsync(client, "Something #moderation_blocked")).GetProperty("id").GetString()!;

        // A job created later has completed, so the blocked one's render time has surely passed.
        var later = (await Api.CreateAsync(client, "Fine")).GetProperty("id").GetString()!;
        await Api.WaitForAsync(client, Api.Escape(later), "completed");
        var stillRunning = await Api.SendAsync(client, HttpMethod.Get, "videos/" + Api.Escape(blocked));
        var content = await Api.SendAsync(client, HttpMethod.Get, $"videos/{Api.Escape(blocked)}/content", status: 500);

        Assert.Equal("processing", stillRunning.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, stillRunning.GetProperty("error").ValueKind);
        Api.AssertLiteLlmError(content, 500, "litellm.APIConnectionError: ");
        Assert.Equal(1, server.Stats.Unfinished);
        Assert.Equal(2, server.Stats.MaxUnfinished);
    }

    [Theory]
    [InlineData("1920x1080", "6")]
    [InlineData("1080x1920", "4")]
    [InlineData("640x480", "11")]
    [InlineData("square", "30")]
    public async Task Any_size_and_any_positive_whole_seconds_are_accepted(string size, string seconds)
    {
        await using var server = await Api.StartAsync(EmulatorProfile.LiteLlmGemini);
        using var client = Api.Client(server);

        var created = await Api.SendAsync(client, HttpMethod.Post, "videos", Api.Json($$"""{"prompt":"x","size":"{{size}}","seconds":"{{seconds}}"}"""));

        Assert.Equal(double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture), created.GetProperty("usage").GetProperty("duration_seconds").GetDouble());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("size").ValueKind);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("five")]
    public async Task Seconds_must_still_be_a_positive_whole_number(string seconds)
    {
        await using var server = await Api.StartAsync(EmulatorProfile.LiteLlmGemini);
        using var client = Api.Client(server);

        var refused = await Api.SendAsync(client, HttpMethod.Post, "videos", Api.Json($$"""{"prompt":"x","seconds":"{{seconds}}"}"""), status: 400);

        Api.AssertLiteLlmError(refused, 400, "litellm.BadRequestError: ");
    }

    [Theory]
    [InlineData("?variant=thumbnail")]
    [InlineData("?variant=spritesheet")]
    [InlineData("?variant=gif")]
    public async Task The_variant_never_reaches_Veo_every_download_is_the_video(string query)
    {
        await using var server = await Api.StartAsync(EmulatorProfile.LiteLlmGemini, seed: 1);
        using var client = Api.Client(server);

        var bytes = await client.GetByteArrayAsync($"videos/{Api.Escape(server.JobIds.Single())}/content{query}");

        Assert.Equal("ftyp", Encoding.ASCII.GetString(bytes, 4, 4));
    }

    [Fact]
    public async Task Ids_carry_a_long_operation_name_of_the_model()
    {
        await using var server = await Api.StartAsync(EmulatorProfile.LiteLlmGemini);
        using var client = Api.Client(server);

        var created = await Api.SendAsync(client, HttpMethod.Post, "videos", Api.Json("""{"prompt":"x","model":"gemini/veo-3.1-fast-generate-preview"}"""));
        var id = created.GetProperty("id").GetString()!;
        var plain = Encoding.UTF8.GetString(Convert.FromBase64String(id["video_".Length..]));
        var operation = plain[(plain.IndexOf(";video_id:", StringComparison.Ordinal) + ";video_id:".Length)..];

        Assert.StartsWith("litellm:custom_llm_provider:gemini;model_id:gemini/veo-3.1-fast-generate-preview;", plain, StringComparison.Ordinal);
        Assert.StartsWith("models/veo-3.1-fast-generate-preview/operations/", operation, StringComparison.Ordinal);
        Assert.InRange(operation.Length, 128, 136);
        Assert.True(id.Length > 250, $"{id.Length} characters");
    }

    [Theory]
    [InlineData("GET", "videos", "Video list is not supported by Google Veo")]
    [InlineData("POST", "videos/{id}/remix", "Video remix is not supported by Google Veo")]
    [InlineData("POST", "videos/edits", "video edit is not supported for Gemini")]
    [InlineData("POST", "videos/extensions", "video extension is not supported for Gemini")]
    [InlineData("GET", "videos/characters/char_1", "video get character is not supported for Gemini")]
    public async Task What_LiteLLM_does_not_implement_for_Veo_is_a_500(string method, string path, string message)
    {
        await using var server = await Api.StartAsync(EmulatorProfile.LiteLlmGemini, TimeSpan.Zero, seed: 1);
        using var client = Api.Client(server);
        var body = method == "POST" ? Api.Json("""{"prompt":"x","seconds":"4","video":{"id":"video_x"}}""") : null;

        var refused = await Api.SendAsync(client, new HttpMethod(method), path.Replace("{id}", Api.Escape(server.JobIds.Single()), StringComparison.Ordinal), body, status: 500);

        Api.AssertLiteLlmError(refused, 500, "litellm.NotImplementedError: " + message);
        Assert.Equal(JsonValueKind.Null, refused.GetProperty("error").GetProperty("type").ValueKind);
        Assert.Equal(0, server.JobsCreated);
        Assert.Single(server.JobIds);
    }
}
