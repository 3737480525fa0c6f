using System;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using SoraPS.Emulator.Tests.Support;

namespace SoraPS.Emulator.Tests;

/// <summary>LiteLLM in front of Runway: tasks, which may end cancelled.</summary>
public sealed class LiteLlmRunwayProfileTests
{
    [Theory]
    [InlineData("A road", "completed")]
    [InlineData("A road #cancelled", "cancelled")]
    [InlineData("A road #moderation_blocked", "failed")]
    public async Task A_task_is_queued_then_in_progress_then_ends(string prompt, string end)
    {
        await using var server = await Api.StartAsync(EmulatorProfile.LiteLlmRunway, TimeSpan.FromSeconds(2));
        using var client = Api.Client(server);
        var created = await Api.CreateAsync(client, prompt);

        var statuses = await Api.SeenStatusesAsync(client, created, "completed", "failed", "cancelled");

        Assert.Equal(["queued", "in_progress", end], statuses);
        Assert.Equal(0, server.Stats.Unfinished);
    }

    [Fact]
    public async Task A_cancelled_task_has_no_content()
    {
        await using var server = await Api.StartAsync(EmulatorProfile.LiteLlmRunway, TimeSpan.Zero);
        using var client = Api.Client(server);
        var id = (await Api.CreateAsync(client, "Stop it #cancelled")).GetProperty("id").GetString()!;
        await Api.WaitForAsync(client, Api.Escape(id), "cancelled");

        var content = await Api.SendAsync(client, HttpMethod.Get, $"videos/{Api.Escape(id)}/content", status: 500);

        Api.AssertLiteLlmError(content, 500, "litellm.APIConnectionError: ");
        Assert.Contains("cancelled", content.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_create_answer_echoes_the_request_a_retrieve_only_the_task()
    {
        await using var server = await Api.StartAsync(EmulatorProfile.LiteLlmRunway, TimeSpan.FromMinutes(1));
        using var client = Api.Client(server);

        var created = await Api.SendAsync(client, HttpMethod.Post, "videos", Api.Json("""{"prompt":"x","model":"gen4_turbo","size":"1280x768","seconds":"10"}"""));
        var retrieved = await Api.SendAsync(client, HttpMethod.Get, "videos/" + Api.Escape(created.GetProperty("id").GetString()!));

        Assert.Equal("gen4_turbo", created.GetProperty("model").GetString());
        Assert.Equal("1280x768", created.GetProperty("size").GetString());
        Assert.Equal("10", created.GetProperty("seconds").GetString());
        Assert.Equal(10, created.GetProperty("usage").GetProperty("duration_seconds").GetDouble());
        Assert.Equal(JsonValueKind.Number, retrieved.GetProperty("created_at").ValueKind);
        Assert.Equal(JsonValueKind.Number, retrieved.GetProperty("progress").ValueKind);
        Assert.All(new[] { "model", "size", "seconds", "usage" }, name => Assert.Equal(JsonValueKind.Null, retrieved.GetProperty(name).ValueKind));
    }

    [Theory]
    [InlineData("""{"prompt":"x","size":"big"}""", "size")]
    [InlineData("""{"prompt":"x","seconds":"0"}""", "seconds")]
    public async Task A_size_must_be_WIDTHxHEIGHT_and_seconds_positive(string body, string param)
    {
        await using var server = await Api.StartAsync(EmulatorProfile.LiteLlmRunway);
        using var client = Api.Client(server);

        var refused = await Api.SendAsync(client, HttpMethod.Post, "videos", Api.Json(body), status: 400);

        Api.AssertLiteLlmError(refused, 400, "litellm.BadRequestError: ");
        Assert.Equal(param, refused.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task The_variant_never_reaches_Runway_every_download_is_the_video()
    {
        await using var server = await Api.StartAsync(EmulatorProfile.LiteLlmRunway, seed: 1);
        using var client = Api.Client(server);

        var bytes = await client.GetByteArrayAsync($"videos/{Api.Escape(server.JobIds.Single())}/content?variant=thumbnail");

        Assert.Equal("ftyp", Encoding.ASCII.GetString(bytes, 4, 4));
    }

    [Theory]
    [InlineData("GET", "videos", "Video listing is not yet supported by RunwayML API")]
    [InlineData("POST", "videos/{id}/remix", "Video remix is not yet supported by RunwayML API")]
    [InlineData("POST", "videos/extensions", "video extension is not supported for RunwayML")]
    public async Task What_LiteLLM_does_not_implement_for_Runway_is_a_500(string method, string path, string message)
    {
        await using var server = await Api.StartAsync(EmulatorProfile.LiteLlmRunway, TimeSpan.Zero, seed: 1);
        using var client = Api.Client(server);
        var body = method == "POST" ? Api.Json("""{"prompt":"x","seconds":"4","video":{"id":"video_x"}}""") : null;

        var refused = await Api.SendAsync(client, new HttpMethod(method), path.Replace("{id}", Api.Escape(server.JobIds.Single()), StringComparison.Ordinal), body, status: 500);

        Api.AssertLiteLlmError(refused, 500, "litellm.NotImplementedError: " + message);
        Assert.Equal(0, server.JobsCreated);
    }
}
