using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SoraPS.Infrastructure;

namespace SoraPS.Tests;

public class PipelinePumpTests
{
    [Fact]
    public void Posted_actions_run_on_the_waiting_thread_in_order_and_all_before_the_result()
    {
        using var pump = new PipelinePump();
        var waitingThread = Environment.CurrentManagedThreadId;
        var seen = new List<int>();
        var threads = new HashSet<int>();

        var result = pump.Await(Task.Run(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                var n = i;
                pump.Post(() => { seen.Add(n); threads.Add(Environment.CurrentManagedThreadId); });
                await Task.Yield();
            }

            return 42;
        }));

        Assert.Equal(42, result);
        Assert.Equal(100, seen.Count);
        Assert.Equal(seen, [.. seen.Order()]);
        Assert.Equal([waitingThread], threads);
    }

    [Fact]
    public void Many_short_waits_in_a_row_never_fail()
    {
        // Regression: the wake-up continuation was disposed while it could still be running, which
        // failed now and then with "A task may only be disposed if it is in a completion state".
        using var pump = new PipelinePump();
        var posted = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var value = pump.Await(Task.Run(() =>
            {
                pump.Post(() => posted++);
                return i;
            }));
            Assert.Equal(i, value);
        }

        Assert.Equal(20_000, posted);
    }

    [Fact]
    public void A_failure_comes_back_as_it_was_thrown()
    {
        using var pump = new PipelinePump();

        var error = Assert.Throws<InvalidOperationException>(() => pump.Await(Task.Run(new Func<int>(() => throw new InvalidOperationException("boom")))));

        Assert.Equal("boom", error.Message);
    }

    [Fact]
    public void A_cancelled_task_surfaces_as_cancellation()
    {
        using var pump = new PipelinePump();
        using var source = new CancellationTokenSource();
        source.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => pump.Await(Task.Delay(1000, source.Token).ContinueWith(t => { t.GetAwaiter().GetResult(); return 0; }, TaskScheduler.Default)));
    }
}
