using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using SoraPS.Emulator;

namespace SoraPS.Core.Tests;

public class JobLifecycleTests
{
    [Fact]
    public async Task Waiting_on_several_jobs_reports_each_once_when_it_finishes()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var jobs = new List<SoraVideo>();
        foreach (var prompt in new[] { "one", "two", "three" })
        {
            jobs.Add(await emulator.Client.CreateVideoAsync(new CreateVideoRequest(prompt)));
        }

        var updates = new List<WaitUpdate>();
        await foreach (var update in new VideoWaiter(emulator.Client).WaitAsync(jobs, TestEmulator.QuickWait()))
        {
            updates.Add(update);
        }

        var finished = updates.Where(u => u.Kind == WaitUpdateKind.Finished).ToList();
        Assert.Equal(jobs.Select(j => j.Id).OrderBy(i => i), finished.Select(u => u.VideoId).OrderBy(i => i));
        Assert.All(finished, u => Assert.Equal(VideoStatus.Completed, u.Video!.Status));
        Assert.All(finished, u => Assert.Equal(100, u.Video!.Progress));
        Assert.All(finished, u => Assert.NotNull(u.Video!.CompletedAt));
        Assert.DoesNotContain(updates, u => u.Kind is WaitUpdateKind.TimedOut or WaitUpdateKind.Error);
    }

    [Fact]
    public async Task Waiting_on_many_jobs_reads_the_list_instead_of_each_job()
    {
        await using var emulator = await TestEmulator.StartAsync(o => { o.SeedCompletedJobs = 150; o.RenderTime = TimeSpan.FromSeconds(1); o.PollAfterMs = 200; });
        var jobs = new List<SoraVideo>();
        for (var i = 0; i < 30; i++)
        {
            jobs.Add(await emulator.Client.CreateVideoAsync(new CreateVideoRequest($"Job {i}")));
        }

        emulator.Server.ClearRequests();
        var updates = await CollectAsync(new VideoWaiter(emulator.Client).WaitAsync(jobs, new WaitOptions { PollInterval = TimeSpan.FromMilliseconds(200), Timeout = TimeSpan.FromSeconds(20) }));

        Assert.Equal(30, updates.Count(u => u.Kind == WaitUpdateKind.Finished && u.Video!.IsCompleted));
        var lists = emulator.Server.Requests.Count(r => r.Path == "/v1/videos");
        var retrieves = emulator.Server.Requests.Count(r => r.Path.StartsWith("/v1/videos/", StringComparison.Ordinal));
        Assert.InRange(lists, 1, 30);
        Assert.True(retrieves < 30, $"{retrieves} single retrieves for 30 jobs; the list should have answered for them");
        Assert.All(emulator.Server.Requests.Where(r => r.Path == "/v1/videos"), r => Assert.Contains("limit=100", r.Query, StringComparison.Ordinal));
    }

    [Fact]
    public async Task When_the_list_cannot_answer_each_job_is_retrieved()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var jobs = new List<SoraVideo>();
        for (var i = 0; i < 8; i++)
        {
            jobs.Add(await emulator.Client.CreateVideoAsync(new CreateVideoRequest($"Job {i}")));
        }

        // A gateway that does not serve the list.
        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos") { Status = 404, Count = 100 });
        var updates = await CollectAsync(new VideoWaiter(emulator.Client).WaitAsync(jobs, TestEmulator.QuickWait()));

        Assert.Equal(8, updates.Count(u => u.Kind == WaitUpdateKind.Finished));
        Assert.Single(emulator.Server.Requests, r => r.Method == "GET" && r.Path == "/v1/videos");
    }

    [Fact]
    public async Task A_job_given_twice_is_reported_once()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var done = await emulator.CompletedVideoAsync();
        var running = await emulator.Client.CreateVideoAsync(new CreateVideoRequest("Twice"));

        var updates = await CollectAsync(new VideoWaiter(emulator.Client).WaitAsync([done, done, running, running], TestEmulator.QuickWait()));

        Assert.Single(updates, u => u.Kind == WaitUpdateKind.Finished && u.VideoId == done.Id);
        Assert.Single(updates, u => u.Kind == WaitUpdateKind.Finished && u.VideoId == running.Id);
    }

    [Fact]
    public async Task A_moderated_prompt_finishes_as_failed_with_the_api_error_code()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var job = await emulator.Client.CreateVideoAsync(new CreateVideoRequest("Something #moderation_blocked"));

        var updates = await CollectAsync(new VideoWaiter(emulator.Client).WaitAsync([job], TestEmulator.QuickWait()));

        var last = updates.Last();
        Assert.Equal(WaitUpdateKind.Finished, last.Kind);
        Assert.True(last.Video!.IsFailed);
        Assert.Equal("moderation_blocked", last.Video.Error!.Code);
    }

    [Fact]
    public async Task A_wait_that_runs_out_of_time_reports_the_job_as_timed_out()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var job = await emulator.Client.CreateVideoAsync(new CreateVideoRequest("A long render #render=60"));

        var updates = await CollectAsync(new VideoWaiter(emulator.Client).WaitAsync([job], TestEmulator.QuickWait(TimeSpan.FromMilliseconds(400))));

        var last = updates.Last();
        Assert.Equal(WaitUpdateKind.TimedOut, last.Kind);
        Assert.Equal(job.Id, last.VideoId);
    }

    [Fact]
    public async Task Waiting_follows_the_servers_poll_delay_when_it_is_longer()
    {
        await using var emulator = await TestEmulator.StartAsync(o => { o.PollAfterMs = 400; o.RenderTime = TimeSpan.FromSeconds(1.5); });
        var job = await emulator.Client.CreateVideoAsync(new CreateVideoRequest("Slow poll"));
        emulator.Server.ClearRequests();

        await CollectAsync(new VideoWaiter(emulator.Client).WaitAsync([job], TestEmulator.QuickWait()));

        // At a 20 ms interval the loop would poll ~75 times in 1.5 s; the server asked for 400 ms.
        var polls = emulator.Server.Requests.Count(r => r.Method == "GET");
        Assert.InRange(polls, 2, 6);
    }

    [Fact]
    public async Task An_unknown_id_is_reported_as_an_error_and_the_other_jobs_still_finish()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var real = await emulator.Client.CreateVideoAsync(new CreateVideoRequest("Real"));

        var updates = await CollectAsync(new VideoWaiter(emulator.Client).WaitAsync([new SoraVideo { Id = "video_missing" }, real], TestEmulator.QuickWait()));

        var error = Assert.Single(updates, u => u.Kind == WaitUpdateKind.Error);
        Assert.Equal(HttpStatusCode.NotFound, Assert.IsType<SoraApiException>(error.Error).StatusCode);
        Assert.Contains(updates, u => u.Kind == WaitUpdateKind.Finished && u.VideoId == real.Id);
    }

    [Fact]
    public async Task Retrieve_returns_the_job_and_an_unknown_id_is_a_404_with_request_id()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var job = await emulator.Client.CreateVideoAsync(new CreateVideoRequest("Retrieve me"));

        var fetched = await emulator.Client.GetVideoAsync(job.Id);
        var error = await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.GetVideoAsync("video_nope"));

        Assert.Equal(job.Id, fetched.Id);
        Assert.Equal("Retrieve me", fetched.Prompt);
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.StartsWith("req_", error.RequestId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listing_all_pages_returns_every_job_once()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.SeedCompletedJobs = 45);

        var ids = new List<string>();
        var pages = 0;
        await foreach (var page in emulator.Client.ListAllPagesAsync(new ListVideosQuery { Limit = 10 }))
        {
            pages++;
            ids.AddRange(page.Data.Select(v => v.Id));
        }

        Assert.Equal(5, pages);
        Assert.Equal(45, ids.Count);
        Assert.Equal(45, ids.Distinct().Count());
        Assert.Equal(emulator.Server.JobIds.OrderBy(i => i), ids.OrderBy(i => i));
    }

    [Fact]
    public async Task Listing_asks_for_the_next_page_only_when_it_is_needed()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.SeedCompletedJobs = 30);

        await foreach (var page in emulator.Client.ListAllPagesAsync(new ListVideosQuery { Limit = 10 }))
        {
            Assert.Equal(10, page.Data.Count);
            break;
        }

        Assert.Single(emulator.Server.Requests, r => r.Method == "GET" && r.Path == "/v1/videos");
    }

    [Fact]
    public async Task A_walk_without_a_limit_asks_for_pages_of_100()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.SeedCompletedJobs = 150);

        var jobs = 0;
        await foreach (var page in emulator.Client.ListAllPagesAsync())
        {
            jobs += page.Data.Count;
        }

        Assert.Equal(150, jobs);
        Assert.Equal(["limit=100", "limit=100&after="], emulator.Server.Requests.Select(r => r.Query.Length > 16 ? r.Query.Substring(0, 16) : r.Query));
    }

    [Fact]
    public async Task From_the_second_page_on_the_walk_reads_one_page_ahead_and_a_consumer_that_stops_cancels_it()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.SeedCompletedJobs = 50);
        int Lists() => emulator.Server.Requests.Count(r => r.Method == "GET" && r.Path == "/v1/videos");

        var pages = 0;
        await foreach (var page in emulator.Client.ListAllPagesAsync(new ListVideosQuery { Limit = 10 }))
        {
            pages++;
            if (pages == 1)
            {
                Assert.Equal(1, Lists());
                continue;
            }

            // The third page is asked for before the consumer is done with the second.
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (Lists() < 3 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }

            Assert.Equal(3, Lists());
            break;
        }

        await Task.Delay(200);
        Assert.Equal(3, Lists());
    }

    [Fact]
    public async Task Listing_order_and_cursor_are_sent_as_given()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.SeedCompletedJobs = 5);
        var first = await emulator.Client.ListVideosAsync(new ListVideosQuery { Limit = 2, Order = ListOrder.Asc });

        var second = await emulator.Client.ListVideosAsync(new ListVideosQuery { Limit = 2, Order = ListOrder.Asc, After = first.LastId });

        Assert.True(first.HasMore);
        Assert.Equal(2, second.Data.Count);
        Assert.DoesNotContain(second.Data, v => first.Data.Any(f => f.Id == v.Id));
        Assert.Contains("order=asc", emulator.Server.Requests.Last().Query, StringComparison.Ordinal);
        Assert.Contains("after=" + first.LastId, emulator.Server.Requests.Last().Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_limit_outside_1_to_100_is_refused_before_sending()
    {
        await using var emulator = await TestEmulator.StartAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => emulator.Client.ListVideosAsync(new ListVideosQuery { Limit = 101 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => emulator.Client.ListVideosAsync(new ListVideosQuery { Limit = 0 }));

        Assert.Empty(emulator.Server.Requests);
    }

    [Fact]
    public async Task Remix_starts_a_new_job_that_names_its_source()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var source = await emulator.CompletedVideoAsync();

        var remix = await emulator.Client.RemixVideoAsync(source.Id, "The same scene at night");

        Assert.NotEqual(source.Id, remix.Id);
        Assert.Equal(source.Id, remix.RemixedFromVideoId);
        Assert.Equal("{\"prompt\":\"The same scene at night\"}", emulator.Server.Requests.Last().JsonBody);
    }

    [Fact]
    public async Task Delete_removes_a_finished_job_and_refuses_a_running_one()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var done = await emulator.CompletedVideoAsync();
        var running = await emulator.Client.CreateVideoAsync(new CreateVideoRequest("Still rendering #render=60"));

        var deletion = await emulator.Client.DeleteVideoAsync(done.Id);
        var refusal = await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.DeleteVideoAsync(running.Id));

        Assert.True(deletion.Deleted);
        Assert.Equal(done.Id, deletion.Id);
        Assert.DoesNotContain(done.Id, emulator.Server.JobIds);
        Assert.Equal(HttpStatusCode.BadRequest, refusal.StatusCode);
        Assert.Contains(running.Id, emulator.Server.JobIds);
    }

    [Fact]
    public async Task A_hostile_id_is_escaped_into_one_path_segment()
    {
        await using var emulator = await TestEmulator.StartAsync();

        await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.GetVideoAsync("../../admin?x=1"));

        var request = emulator.Server.Requests.Single();
        Assert.StartsWith("/v1/videos/", request.Path, StringComparison.Ordinal);
        Assert.DoesNotContain("admin", request.Query, StringComparison.Ordinal);
    }

    internal static async Task<List<WaitUpdate>> CollectAsync(IAsyncEnumerable<WaitUpdate> updates)
    {
        var list = new List<WaitUpdate>();
        await foreach (var update in updates)
        {
            list.Add(update);
        }

        return list;
    }
}
