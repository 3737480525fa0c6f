using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using SoraPS.Emulator.Tests.Support;

namespace SoraPS.Emulator.Tests;

public sealed class LifecycleTests
{
    [Fact]
    public async Task A_job_goes_from_queued_through_in_progress_to_completed()
    {
        await using var server = await Api.StartAsync(TimeSpan.FromSeconds(2));
        using var client = Api.Client(server);
        var id = (await Api.CreateAsync(client, "A slow pan")).GetProperty("id").GetString()!;

        var seen = new List<string>();
        var progress = new List<int>();
        while (!seen.Contains("completed"))
        {
            var video = await Api.SendAsync(client, HttpMethod.Get, "videos/" + id);
            seen.Add(video.GetProperty("status").GetString()!);
            progress.Add(video.GetProperty("progress").GetInt32());
            await Task.Delay(20);
        }

        Assert.Contains("in_progress", seen);
        Assert.Equal(progress, [.. progress.Order()]);
        var done = await Api.SendAsync(client, HttpMethod.Get, "videos/" + id);
        Api.AssertVideo(done);
        Assert.Equal(100, done.GetProperty("progress").GetInt32());
        var completedAt = done.GetProperty("completed_at").GetInt64();
        Assert.Equal(completedAt + 3600, done.GetProperty("expires_at").GetInt64());
        Assert.True(completedAt >= done.GetProperty("created_at").GetInt64());
    }

    [Fact]
    public async Task Zero_render_time_completes_at_the_first_retrieve()
    {
        await using var server = await Api.StartAsync(TimeSpan.Zero);
        using var client = Api.Client(server);

        var created = await Api.CreateAsync(client, "Instant");
        var fetched = await Api.SendAsync(client, HttpMethod.Get, "videos/" + created.GetProperty("id").GetString());

        Assert.Equal("queued", created.GetProperty("status").GetString());
        Assert.Equal("completed", fetched.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Moderation_trigger_ends_failed_with_the_error_object()
    {
        await using var server = await Api.StartAsync(TimeSpan.FromMilliseconds(200));
        using var client = Api.Client(server);
        var id = (await Api.CreateAsync(client, "Something #moderation_blocked")).GetProperty("id").GetString()!;

        var failed = await Api.WaitForAsync(client, id, "failed");

        Api.AssertVideo(failed);
        Assert.Equal("moderation_blocked", failed.GetProperty("error").GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(failed.GetProperty("error").GetProperty("message").GetString()));
        Assert.True(failed.GetProperty("progress").GetInt32() < 100);
    }

    [Fact]
    public async Task Render_trigger_overrides_the_render_time()
    {
        await using var server = await Api.StartAsync(TimeSpan.FromHours(1));
        using var client = Api.Client(server);
        var id = (await Api.CreateAsync(client, "Quick one #render=0.1")).GetProperty("id").GetString()!;

        await Api.WaitForAsync(client, id, "completed");
    }

    [Fact]
    public async Task Delete_refuses_an_unfinished_job_and_removes_a_finished_one()
    {
        await using var server = await Api.StartAsync(TimeSpan.FromMilliseconds(300));
        using var client = Api.Client(server);
        // The unfinished job renders for a minute, so a slow machine cannot finish it before the DELETE.
        var running = (await Api.CreateAsync(client, "Still rendering #render=60")).GetProperty("id").GetString()!;
        var id = (await Api.CreateAsync(client, "To delete")).GetProperty("id").GetString()!;

        var refused = await Api.SendAsync(client, HttpMethod.Delete, "videos/" + running, status: 400);
        await Api.WaitForAsync(client, id, "completed");
        var deleted = await Api.SendAsync(client, HttpMethod.Delete, "videos/" + id);
        var gone = await Api.SendAsync(client, HttpMethod.Get, "videos/" + id, status: 404);

        Api.AssertError(refused, null, "video_not_finished");
        Assert.Equal(id, deleted.GetProperty("id").GetString());
        Assert.Equal("video.deleted", deleted.GetProperty("object").GetString());
        Assert.True(deleted.GetProperty("deleted").GetBoolean());
        Api.AssertError(gone, null, "video_not_found");
        Assert.Equal([running], server.JobIds);
        Assert.Equal(2, server.JobsCreated);
    }
}
