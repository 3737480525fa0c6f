using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using SoraPS.Emulator;

namespace SoraPS.Core.Tests;

/// <summary>Waiting and listing on servers that bend the shape: other final statuses, lists that cannot answer, cursors of their own.</summary>
public class WaitCompatibilityTests
{
    [Theory]
    [InlineData("cancelled")]
    [InlineData("canceled")]
    [InlineData("expired")]
    [InlineData("FAILED")]
    public async Task A_final_status_other_than_completed_ends_the_wait_at_once(string status)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var job = await emulator.Client.CreateVideoAsync(new CreateVideoRequest("Ends early #render=60"));
        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos/*") { Status = 200, Body = $"{{\"id\":\"{job.Id}\",\"object\":\"video\",\"status\":\"{status}\"}}" });

        var updates = await CollectAsync(new VideoWaiter(emulator.Client).WaitAsync([job], TestEmulator.QuickWait(TimeSpan.FromSeconds(30))));

        var last = Assert.Single(updates, u => u.Kind != WaitUpdateKind.Progress);
        Assert.Equal(WaitUpdateKind.Finished, last.Kind);
        Assert.True(last.Video!.IsFailed);
        Assert.False(last.Video.IsCompleted);
        Assert.Equal(status, last.Video.Status);
    }

    [Fact]
    public async Task An_unknown_status_is_not_finished_and_the_time_limit_ends_the_wait()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var job = await emulator.Client.CreateVideoAsync(new CreateVideoRequest("Never says #render=60"));
        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos/*") { Status = 200, Count = 1000, Body = $"{{\"id\":\"{job.Id}\",\"object\":\"video\",\"status\":\"rendering_somewhere\"}}" });

        // Given by id, so that it is polled at once; the limit leaves room for several polls on a busy machine.
        var updates = await CollectAsync(new VideoWaiter(emulator.Client).WaitAsync([new SoraVideo { Id = job.Id }], TestEmulator.QuickWait(TimeSpan.FromSeconds(2))));

        Assert.Contains(updates, u => u.Kind == WaitUpdateKind.Progress && u.Video!.Status == "rendering_somewhere");
        Assert.Equal(WaitUpdateKind.TimedOut, updates.Last().Kind);
        Assert.Equal("rendering_somewhere", updates.Last().Video!.Status);
        Assert.Null(updates.Last().Video!.Progress);
    }

    public static TheoryData<string> ListsThatCannotAnswer => new()
    {
        // no has_more
        "{\"object\":\"list\",\"data\":[]}",

        // cursors that are not the ids listed (a gateway that re-encodes only data[].id)
        "{\"object\":\"list\",\"data\":[{\"id\":\"video_encoded\",\"status\":\"completed\"}],\"first_id\":\"raw_1\",\"last_id\":\"raw_1\",\"has_more\":false}",
    };

    [Theory]
    [MemberData(nameof(ListsThatCannotAnswer))]
    public async Task Waiting_on_many_jobs_falls_back_to_retrieving_each_when_the_list_cannot_answer(string page)
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.RenderTime = TimeSpan.FromMilliseconds(200));
        var jobs = new List<SoraVideo>();
        for (var i = 0; i < 6; i++)
        {
            jobs.Add(await emulator.Client.CreateVideoAsync(new CreateVideoRequest("Many " + i)));
        }

        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos") { Status = 200, Body = page, Count = 100 });
        emulator.Server.ClearRequests();

        var updates = await CollectAsync(new VideoWaiter(emulator.Client).WaitAsync(jobs.Select(j => new SoraVideo { Id = j.Id }), TestEmulator.QuickWait()));

        Assert.Equal(6, updates.Count(u => u.Kind == WaitUpdateKind.Finished && u.Video!.IsCompleted));
        Assert.Single(emulator.Server.Requests, r => r.Method == "GET" && r.Path == "/v1/videos");
        Assert.All(jobs, j => Assert.Contains(emulator.Server.Requests, r => r.Path == "/v1/videos/" + j.Id));
    }

    [Fact]
    public async Task Waiting_on_many_jobs_falls_back_when_listing_is_not_offered()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.RenderTime = TimeSpan.FromMilliseconds(200));
        var jobs = new List<SoraVideo>();
        for (var i = 0; i < 6; i++)
        {
            jobs.Add(await emulator.Client.CreateVideoAsync(new CreateVideoRequest("No list " + i)));
        }

        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos")
        {
            Status = 500,
            Count = 100,
            Body = "{\"error\":{\"message\":\"litellm.NotImplementedError: Video list is not supported by Google Veo\",\"type\":null,\"param\":null,\"code\":\"500\"}}",
        });

        var updates = await CollectAsync(new VideoWaiter(emulator.Client).WaitAsync(jobs.Select(j => new SoraVideo { Id = j.Id }), TestEmulator.QuickWait()));

        Assert.Equal(6, updates.Count(u => u.Kind == WaitUpdateKind.Finished));
        Assert.Single(emulator.Server.Requests, r => r.Method == "GET" && r.Path == "/v1/videos");
    }

    [Fact]
    public async Task Listing_all_pages_follows_the_servers_cursor_rather_than_the_last_id_listed()
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos")
        {
            Status = 200,
            Body = "{\"object\":\"list\",\"data\":[{\"id\":\"video_ZW5jb2RlZA==\",\"status\":\"completed\"}],\"first_id\":\"raw_first\",\"last_id\":\"raw_last\",\"has_more\":true}",
        });
        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos")
        {
            Status = 200,
            Body = "{\"object\":\"list\",\"data\":[{\"id\":\"video_c2Vjb25k\",\"status\":\"completed\"}],\"first_id\":\"raw_next\",\"last_id\":\"raw_next\",\"has_more\":false}",
        });

        var pages = new List<SoraVideoPage>();
        await foreach (var page in emulator.Client.ListAllPagesAsync(new ListVideosQuery { Limit = 1 }))
        {
            pages.Add(page);
        }

        Assert.Equal(["video_ZW5jb2RlZA==", "video_c2Vjb25k"], pages.SelectMany(p => p.Data).Select(v => v.Id));
        Assert.Equal("limit=1&after=raw_last", emulator.Server.Requests[1].Query);
    }

    [Fact]
    public async Task A_page_that_does_not_say_whether_more_follow_ends_the_listing()
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos") { Status = 200, Body = "{\"object\":\"list\",\"data\":[{\"id\":\"video_1\",\"status\":\"completed\"}]}" });

        var pages = new List<SoraVideoPage>();
        await foreach (var page in emulator.Client.ListAllPagesAsync())
        {
            pages.Add(page);
        }

        var only = Assert.Single(pages);
        Assert.Null(only.HasMore);
        Assert.Single(emulator.Server.Requests);
    }

    [Fact]
    public async Task Fields_a_gateway_leaves_null_stay_null_instead_of_reading_as_zero()
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos/*")
        {
            Status = 200,
            Body = "{\"id\":\"video_x\",\"object\":\"video\",\"status\":\"processing\",\"created_at\":null,\"progress\":null,\"model\":null,\"seconds\":null,\"size\":null}",
        });

        var video = await emulator.Client.GetVideoAsync("video_x");

        Assert.Equal("processing", video.Status);
        Assert.Null(video.Progress);
        Assert.Null(video.CreatedAt);
        Assert.Null(video.Model);
        Assert.Null(video.Seconds);
        Assert.False(video.IsFinished);
    }

    private static async Task<List<WaitUpdate>> CollectAsync(IAsyncEnumerable<WaitUpdate> updates)
    {
        var all = new List<WaitUpdate>();
        await foreach (var update in updates)
        {
            all.Add(update);
        }

        return all;
    }
}
