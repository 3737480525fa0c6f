using System;
using System.Net.Http;
using System.Threading.Tasks;
using SoraPS.Emulator.Tests.Support;

namespace SoraPS.Emulator.Tests;

public sealed class StatsTests
{
    [Fact]
    public async Task The_peak_counts_jobs_that_overlapped_not_jobs_created()
    {
        // Three jobs render for a minute, so they stay unfinished for the whole test; the short ones
        // are waited for, so each has finished before the next is created.
        await using var server = await Api.StartAsync(TimeSpan.FromMinutes(1), seed: 2);
        using var client = Api.Client(server);
        for (var i = 0; i < 3; i++)
        {
            await Api.CreateAsync(client, "Long one");
        }

        var whileThree = server.Stats;
        var first = (await Api.CreateAsync(client, "Short one #render=0.2")).GetProperty("id").GetString()!;
        await Api.WaitForAsync(client, first, "completed");
        var second = (await Api.CreateAsync(client, "Short two #render=0.2")).GetProperty("id").GetString()!;
        await Api.WaitForAsync(client, second, "completed");
        await Api.SendAsync(client, HttpMethod.Delete, "videos/" + first);
        var after = server.Stats;

        Assert.Equal(new EmulatorStats(JobsCreated: 3, Jobs: 5, Unfinished: 3, MaxUnfinished: 3), whileThree);
        Assert.Equal(new EmulatorStats(JobsCreated: 5, Jobs: 6, Unfinished: 3, MaxUnfinished: 4), after);
    }

    [Fact]
    public async Task Finished_and_seeded_jobs_are_not_unfinished_and_the_peak_stays()
    {
        await using var server = await Api.StartAsync(TimeSpan.FromMilliseconds(200), seed: 3);
        using var client = Api.Client(server);
        var ids = new string[2];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = (await Api.CreateAsync(client, "Together #render=30")).GetProperty("id").GetString()!;
        }

        var running = server.Stats;
        var blocked = (await Api.CreateAsync(client, "Quick #moderation_blocked")).GetProperty("id").GetString()!;
        await Api.WaitForAsync(client, blocked, "failed");
        var withFailed = server.Stats;

        Assert.Equal(2, running.Unfinished);
        Assert.Equal(2, running.MaxUnfinished);
        Assert.Equal(2, withFailed.Unfinished);
        Assert.Equal(3, withFailed.MaxUnfinished);
        Assert.Equal(6, withFailed.Jobs);
    }

    [Fact]
    public async Task The_control_route_serves_the_same_counters()
    {
        await using var server = await Api.StartAsync(TimeSpan.FromMinutes(1), seed: 1);
        using var client = Api.Client(server);
        using var control = new HttpClient { BaseAddress = server.RootUri };
        await Api.CreateAsync(client, "One");
        await Api.CreateAsync(client, "Two");

        var stats = await Api.ReadJsonAsync(await control.GetAsync("_emulator/stats"));

        Assert.Equal(2, stats.GetProperty("jobsCreated").GetInt32());
        Assert.Equal(3, stats.GetProperty("jobs").GetInt32());
        Assert.Equal(2, stats.GetProperty("unfinished").GetInt32());
        Assert.Equal(2, stats.GetProperty("maxUnfinished").GetInt32());
    }
}
