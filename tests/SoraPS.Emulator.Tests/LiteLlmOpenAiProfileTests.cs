using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using SoraPS.Emulator.Tests.Support;

namespace SoraPS.Emulator.Tests;

/// <summary>LiteLLM in front of OpenAI: the provider's objects and pages passed through, with LiteLLM's ids.</summary>
public sealed class LiteLlmOpenAiProfileTests
{
    [Fact]
    public async Task Statuses_and_the_providers_fields_pass_through()
    {
        await using var server = await Api.StartAsync(EmulatorProfile.LiteLlmOpenAi, TimeSpan.FromSeconds(2));
        using var client = Api.Client(server);
        var created = await Api.SendAsync(client, HttpMethod.Post, "videos", Api.Json("""{"prompt":"Dunes","model":"sora-2-pro","size":"1280x720","seconds":"8"}"""));

        var statuses = await Api.SeenStatusesAsync(client, created, "completed", "failed");
        var done = await Api.SendAsync(client, HttpMethod.Get, "videos/" + Api.Escape(created.GetProperty("id").GetString()!));

        Assert.Equal(["queued", "in_progress", "completed"], statuses);
        Assert.Equal("sora-2-pro", done.GetProperty("model").GetString());
        Assert.Equal("1280x720", done.GetProperty("size").GetString());
        Assert.Equal("8", done.GetProperty("seconds").GetString());
        Assert.Equal(100, done.GetProperty("progress").GetInt32());
        Assert.Equal(done.GetProperty("completed_at").GetInt64() + 3600, done.GetProperty("expires_at").GetInt64());
        Assert.Equal(JsonValueKind.Number, done.GetProperty("created_at").ValueKind);
    }

    [Fact]
    public async Task A_blocked_job_fails_with_its_error()
    {
        await using var server = await Api.StartAsync(EmulatorProfile.LiteLlmOpenAi, TimeSpan.Zero);
        using var client = Api.Client(server);
        var id = (await Api.CreateAsync(client, "Something #moderation_blocked")).GetProperty("id").GetString()!;

        var failed = await Api.WaitForAsync(client, Api.Escape(id), "failed");

        Assert.Equal("moderation_blocked", failed.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_variant_reaches_OpenAI_so_a_thumbnail_is_WebP_bytes_labelled_mp4()
    {
        await using var server = await Api.StartAsync(EmulatorProfile.LiteLlmOpenAi, seed: 1);
        using var client = Api.Client(server);
        var path = $"videos/{Api.Escape(server.JobIds.Single())}/content";

        using var thumbnail = await client.GetAsync(path + "?variant=thumbnail");
        var bytes = await thumbnail.Content.ReadAsByteArrayAsync();
        var badVariant = await Api.SendAsync(client, HttpMethod.Get, path + "?variant=gif", status: 500);

        Assert.Equal("video/mp4", thumbnail.Content.Headers.ContentType!.MediaType);
        Assert.Equal("RIFF", Encoding.ASCII.GetString(bytes, 0, 4));
        Assert.Equal("WEBP", Encoding.ASCII.GetString(bytes, 8, 4));
        Api.AssertLiteLlmError(badVariant, 500, "litellm.APIConnectionError: Invalid 'variant'");
    }

    [Fact]
    public async Task The_list_re_encodes_only_the_ids_in_data_its_cursors_are_the_providers()
    {
        await using var server = await Api.StartAsync(EmulatorProfile.LiteLlmOpenAi, TimeSpan.Zero);
        using var client = Api.Client(server);
        for (var i = 0; i < 3; i++)
        {
            await Api.CreateAsync(client, $"Clip {i}");
        }

        var list = await Api.SendAsync(client, HttpMethod.Get, "videos?order=asc");
        var ids = Api.Ids(list).ToList();

        Assert.Equal(server.JobIds, ids);
        Assert.Contains(ids, id => id.Contains('+', StringComparison.Ordinal));
        Assert.Contains(ids, id => id.Contains('/', StringComparison.Ordinal));
        Assert.False(list.GetProperty("data")[0].TryGetProperty("prompt", out _));
        Assert.Equal(UpstreamId(ids[0]), list.GetProperty("first_id").GetString());
        Assert.Equal(UpstreamId(ids[^1]), list.GetProperty("last_id").GetString());
        Assert.StartsWith("video_", list.GetProperty("first_id").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(ids[0], list.GetProperty("first_id").GetString());
    }

    [Fact]
    public async Task Paging_takes_the_providers_id_as_after_and_an_encoded_one_is_a_500()
    {
        await using var server = await Api.StartAsync(EmulatorProfile.LiteLlmOpenAi, seed: 7);
        using var client = Api.Client(server);

        var seen = new List<string>();
        string? after = null;
        while (true)
        {
            var page = await Api.SendAsync(client, HttpMethod.Get, "videos?limit=3" + (after is null ? "" : "&after=" + Uri.EscapeDataString(after)));
            seen.AddRange(Api.Ids(page));
            if (!page.GetProperty("has_more").GetBoolean())
            {
                break;
            }

            after = page.GetProperty("last_id").GetString();
        }

        var encodedAfter = await Api.SendAsync(client, HttpMethod.Get, "videos?after=" + Uri.EscapeDataString(server.JobIds.First()), status: 500);

        Assert.Equal(server.JobIds.Reverse(), seen);
        Api.AssertLiteLlmError(encodedAfter, 500, "litellm.APIConnectionError: Invalid 'after'");
    }

    [Fact]
    public async Task A_remix_names_its_source_by_the_providers_id()
    {
        await using var server = await Api.StartAsync(EmulatorProfile.LiteLlmOpenAi, TimeSpan.Zero, seed: 2);
        using var client = Api.Client(server);
        var source = server.JobIds.First(id => id.Contains('/', StringComparison.Ordinal));

        var remix = await Api.SendAsync(client, HttpMethod.Post, $"videos/{Api.Escape(source)}/remix", Api.Json("""{"prompt":"Again"}"""));

        Assert.Equal(UpstreamId(source), remix.GetProperty("remixed_from_video_id").GetString());
        Assert.Equal("queued", remix.GetProperty("status").GetString());
        Assert.Equal(3, server.JobIds.Count);
    }

    /// <summary>The provider's id inside one of LiteLLM's ids.</summary>
    private static string UpstreamId(string id)
    {
        var plain = Encoding.UTF8.GetString(Convert.FromBase64String(id["video_".Length..]));
        return plain[(plain.IndexOf(";video_id:", StringComparison.Ordinal) + ";video_id:".Length)..];
    }
}
