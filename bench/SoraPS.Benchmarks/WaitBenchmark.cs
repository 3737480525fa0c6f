using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace SoraPS.Benchmarks;

/// <summary>
/// Target 4 (waiting): VideoWaiter on many jobs at once whose render times are spread over a few seconds. Counts
/// the requests the emulator recorded, this process's threads during the wait, and the lag between
/// each job's completion and its report.
/// </summary>
internal static class WaitBenchmark
{
    public static async Task<bool> RunAsync(int jobs, TimeSpan pollInterval, double minRender, double maxRender)
    {
        // The server's poll hint equals the interval, so the interval is what paces the polls.
        await using var emulator = await EmulatorProcess.StartAsync(renderSeconds: 5, pollAfterMs: (int)pollInterval.TotalMilliseconds, seed: 0);
        var client = new SoraClient(new SoraConnection(new SoraConnectionOptions { BaseUri = emulator.BaseUri }));

        // Warm up the client (JIT, connections) on jobs that are not measured.
        var warm = new List<SoraVideo>();
        for (var i = 0; i < 8; i++)
        {
            warm.Add(await client.CreateVideoAsync(new CreateVideoRequest("Benchmark warm-up #render=0.2")));
        }

        await foreach (var unused in new VideoWaiter(client).WaitAsync(warm, new WaitOptions { PollInterval = TimeSpan.FromMilliseconds(100), Timeout = TimeSpan.FromSeconds(30) }))
        {
        }

        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var threadsBefore = self.Threads.Count;
        var poolBefore = ThreadPool.ThreadCount;

        var clock = Stopwatch.StartNew();
        var created = new List<SoraVideo>();
        var finishesAt = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        for (var i = 0; i < jobs; i++)
        {
            var render = minRender + ((maxRender - minRender) * i / Math.Max(1, jobs - 1));
            var sent = clock.Elapsed;
            var job = await client.CreateVideoAsync(new CreateVideoRequest("Benchmark wait #render=" + render.ToString("0.###", CultureInfo.InvariantCulture)));
            created.Add(job);

            // The job's clock starts while the create is in flight: taking the send time makes the lag an upper bound.
            finishesAt[job.Id] = sent + TimeSpan.FromSeconds(render);
        }

        await emulator.ClearRequestsAsync();
        var threadsMax = threadsBefore;
        var poolMax = poolBefore;
        var reportedAt = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        var waitStart = clock.Elapsed;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            using var process = Process.GetCurrentProcess();
            while (!sampling.IsCancellationRequested)
            {
                process.Refresh();
                threadsMax = Math.Max(threadsMax, process.Threads.Count);
                poolMax = Math.Max(poolMax, ThreadPool.ThreadCount);
                try
                {
                    await Task.Delay(50, sampling.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        });

        var options = new WaitOptions { PollInterval = pollInterval, Timeout = TimeSpan.FromSeconds(maxRender * 4 + 60) };
        var finished = 0;
        await foreach (var update in new VideoWaiter(client).WaitAsync(created, options))
        {
            if (update.Kind is WaitUpdateKind.Finished)
            {
                reportedAt[update.VideoId] = clock.Elapsed;
                finished++;
            }
            else if (update.Kind is not WaitUpdateKind.Progress)
            {
                throw new InvalidOperationException($"{update.VideoId}: {update.Kind} {update.Error?.Message}");
            }
        }

        await sampling.CancelAsync();
        await sampler;
        var requests = await emulator.RequestsAsync();
        var retrieves = requests.Count(r => r.Method == "GET" && r.Path.StartsWith("/v1/videos/", StringComparison.Ordinal) && !r.Path.EndsWith("/content", StringComparison.Ordinal));
        var lists = requests.Count(r => r.Method == "GET" && r.Path == "/v1/videos");
        var total = requests.Count;

        // The allowance: one request per job per started poll interval of its own wait.
        var allowance = 0;
        var lags = new List<double>();
        foreach (var job in created)
        {
            var waited = reportedAt[job.Id] - waitStart;
            allowance += (int)Math.Ceiling(waited / pollInterval);
            lags.Add(Math.Max(0, (reportedAt[job.Id] - finishesAt[job.Id]).TotalMilliseconds));
        }

        // What polling through the list endpoint would need: at each interval, the pages (100 jobs each,
        // newest first) that reach back to the oldest job still pending.
        var listAllowance = 0;
        for (var tick = pollInterval; ; tick += pollInterval)
        {
            var pending = created.Count(j => reportedAt[j.Id] - waitStart >= tick - pollInterval);
            if (pending == 0 || tick > TimeSpan.FromSeconds(maxRender * 4 + 60))
            {
                break;
            }

            var oldestPending = created.FindIndex(j => reportedAt[j.Id] - waitStart >= tick - pollInterval);
            listAllowance += (int)Math.Ceiling((created.Count - oldestPending) / 100.0);
        }

        var requestsMet = total <= allowance;
        var lagMet = lags.Max() <= pollInterval.TotalMilliseconds;
        // A thread per job would add as many threads as jobs; the thread pool may add a few on its own.
        var threadLimit = Math.Max(8, jobs / 10);
        var threadsMet = threadsMax - threadsBefore < threadLimit;
        Console.WriteLine(
            $"wait {jobs} jobs (render {Stats.F(minRender, "0.#")}..{Stats.F(maxRender, "0.#")} s, poll interval {Stats.F(pollInterval.TotalSeconds, "0.##")} s): "
            + $"{total} requests ({retrieves} retrieves, {lists} list pages), allowance one per job per interval {allowance}, "
            + $"ratio {Stats.F(total / (double)allowance, "0.00")} (target <= 1.00){DownloadBenchmark.Verdict(requestsMet)}");
        Console.WriteLine(
            $"  report lag after completion: median {Stats.F(Stats.Median(lags), "0")} ms, p95 {Stats.F(Stats.Percentile(lags, 0.95), "0")} ms, max {Stats.F(lags.Max(), "0")} ms "
            + $"(target <= {Stats.F(pollInterval.TotalMilliseconds, "0")} ms){DownloadBenchmark.Verdict(lagMet)}");
        Console.WriteLine(
            $"  threads: {threadsBefore} before, at most {threadsMax} during (thread pool {poolBefore} -> {poolMax}) for {jobs} jobs "
            + $"(target: one loop, no thread per job; fewer than {threadLimit} added){DownloadBenchmark.Verdict(threadsMet)}");
        Console.WriteLine(
            $"  for scale, one walk of the list each interval (100 a page, down to the oldest pending job) is about {listAllowance} requests");
        if (finished != jobs)
        {
            throw new InvalidOperationException($"{finished} of {jobs} jobs were reported finished.");
        }

        return requestsMet && lagMet && threadsMet;
    }
}
