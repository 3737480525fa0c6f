using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;

namespace SoraPS.Core.Tests;

/// <summary>One waiting loop for jobs that arrive while it waits, as a batch creates them.</summary>
public class WaitSetTests
{
    [Fact]
    public async Task Jobs_added_while_waiting_are_waited_for_in_the_same_loop_until_the_set_is_complete()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var set = new VideoWaitSet();
        var first = await emulator.Client.CreateVideoAsync(new CreateVideoRequest("First #render=0.3"));
        set.Add(first);
        var finished = new List<string>();
        var wait = Task.Run(async () =>
        {
            await foreach (var update in new VideoWaiter(emulator.Client).WaitAsync(set, TestEmulator.QuickWait()))
            {
                if (update.Kind == WaitUpdateKind.Finished)
                {
                    finished.Add(update.VideoId);
                }
            }
        });

        // The loop is asleep on the first job when the second arrives; it must take it in at once.
        await Task.Delay(100);
        var second = await emulator.Client.CreateVideoAsync(new CreateVideoRequest("Second #render=0.3"));
        set.Add(second);
        await Task.Delay(1000);
        Assert.False(wait.IsCompleted, "the wait must go on while the set can still grow");
        set.Complete();
        await wait.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(new[] { first.Id, second.Id }.OrderBy(i => i), finished.OrderBy(i => i));
    }

    [Fact]
    public async Task An_empty_open_set_waits_for_its_first_job_without_polling()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var set = new VideoWaitSet();
        var updates = new List<WaitUpdate>();
        var clock = Stopwatch.StartNew();
        var wait = Task.Run(async () =>
        {
            await foreach (var update in new VideoWaiter(emulator.Client).WaitAsync(set, TestEmulator.QuickWait()))
            {
                updates.Add(update);
            }
        });

        await Task.Delay(500);
        emulator.Server.ClearRequests();
        await Task.Delay(500);
        Assert.Empty(emulator.Server.Requests);
        set.Add(await emulator.Client.CreateVideoAsync(new CreateVideoRequest("Late #render=0.2")));
        set.Complete();
        await wait.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(WaitUpdateKind.Finished, updates.Last().Kind);
        Assert.Throws<InvalidOperationException>(() => set.Add(new SoraVideo { Id = "video_x" }));
    }

    [Fact]
    public async Task A_set_that_is_never_completed_ends_when_the_time_is_up()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var set = new VideoWaitSet();
        set.Add(await emulator.Client.CreateVideoAsync(new CreateVideoRequest("Slow #render=60")));
        var updates = new List<WaitUpdate>();

        await foreach (var update in new VideoWaiter(emulator.Client).WaitAsync(set, TestEmulator.QuickWait(TimeSpan.FromSeconds(1))))
        {
            updates.Add(update);
        }

        Assert.Equal(WaitUpdateKind.TimedOut, updates.Last().Kind);
    }
}
