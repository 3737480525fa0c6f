using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace SoraPS.Benchmarks;

/// <summary>
/// Target 5: a batch of many rows (SoraBatch, as Invoke-SoraBatch runs it) against the emulator, every job
/// rendering for the same time. Prints the wall time against the ideal for the throttle (rows / throttle x
/// render), the journal's cost per row, the managed heap as the rows go by (at a tenth of the rows and at
/// all of them, to show it does not grow with them), and a second run over the finished journal.
/// </summary>
internal static class BatchBenchmark
{
    public static async Task<bool> RunAsync(int rows, int throttle, double render, TimeSpan pollInterval)
    {
        // The server's poll hint is below the interval, so the interval is what paces the polls.
        await using var emulator = await EmulatorProcess.StartAsync(renderSeconds: render, pollAfterMs: (int)(pollInterval.TotalMilliseconds / 2), seed: 0);
        var client = new SoraClient(new SoraConnection(new SoraConnectionOptions { BaseUri = emulator.BaseUri }));
        var folder = Path.Combine(Path.GetTempPath(), "sorapsbench-batch-" + Guid.NewGuid().ToString("N"));
        try
        {
            // Warm up (JIT, connections) on a small batch that is not measured.
            await RunOnceAsync(client, Path.Combine(folder, "warm"), 8, throttle, pollInterval, "Warm-up");

            var small = Math.Max(throttle, rows / 10);
            var smallRun = await RunOnceAsync(client, Path.Combine(folder, "small"), small, throttle, pollInterval, "Small");
            var before = await emulator.StatsAsync();
            var run = await RunOnceAsync(client, Path.Combine(folder, "large"), rows, throttle, pollInterval, "Large");
            var after = await emulator.StatsAsync();
            await emulator.ClearRequestsAsync();
            var again = await RunOnceAsync(client, Path.Combine(folder, "large"), rows, throttle, pollInterval, "Large");
            var requestsAgain = (await emulator.RequestsAsync()).Count;

            var ideal = rows / (double)throttle * render;
            var ratio = run.Wall.TotalSeconds / ideal;
            var ratioMet = ratio <= 1.3;
            var journalPerRow = run.JournalTime.TotalMilliseconds / rows;
            var journalMet = journalPerRow < 1.0;
            var heapGrowthPerRow = (run.PeakHeap - smallRun.PeakHeap) / (double)(rows - small);
            var retainedPerRow = (run.RetainedHeap - smallRun.RetainedHeap) / (double)(rows - small);
            var heapMet = run.PeakHeap - smallRun.PeakHeap < 16_000_000;
            var created = after.JobsCreated - before.JobsCreated;
            Console.WriteLine(
                $"batch {rows} rows, throttle {throttle}, render {Stats.F(render, "0.##")} s, poll {Stats.F(pollInterval.TotalSeconds, "0.##")} s: "
                + $"{Stats.F(run.Wall.TotalSeconds, "0.0")} s, ideal rows / throttle x render {Stats.F(ideal, "0.0")} s, "
                + $"ratio {Stats.F(ratio, "0.00")} (target <= 1.30){DownloadBenchmark.Verdict(ratioMet)}");
            Console.WriteLine(
                $"  server: {created} jobs created for {rows} rows, at most {after.MaxUnfinished} unfinished at once (throttle {throttle}); "
                + $"{run.Succeeded} rows succeeded");
            Console.WriteLine(
                $"  journal: {run.JournalRecords} records ({Stats.F(run.JournalRecords / (double)rows, "0.0")} a row), each written before its step; {run.JournalFlushes} flushes to disk "
                + $"({Stats.F(run.JournalFlushes / (double)rows, "0.00")} a row: each create's before it is sent, the rest within a second): "
                + $"{Stats.F(run.JournalTime.TotalMilliseconds, "0")} ms writing and flushing in all, {Stats.F(journalPerRow, "0.000")} ms a row (target < 1 ms){DownloadBenchmark.Verdict(journalMet)}");
            Console.WriteLine(
                $"  managed heap, peak during the run: {Stats.F(Stats.MB(smallRun.PeakHeap), "0.0")} MB for {small} rows, {Stats.F(Stats.MB(run.PeakHeap), "0.0")} MB for {rows} rows, "
                + $"{Stats.F(heapGrowthPerRow, "0")} bytes a row more (target: flat, under 16 MB more for {rows - small} more rows){DownloadBenchmark.Verdict(heapMet)}");
            Console.WriteLine(
                $"  kept after the run (a full collection, journal open, every result held): {Stats.F(Stats.MB(smallRun.RetainedHeap), "0.0")} MB for {small} rows, "
                + $"{Stats.F(Stats.MB(run.RetainedHeap), "0.0")} MB for {rows} rows: {Stats.F(retainedPerRow, "0")} bytes a row (each row's result and journal state)");
            Console.WriteLine(
                $"  managed heap during the {rows}-row run, at each tenth of the rows ended: "
                + string.Join(" ", run.HeapByTenth.Select(b => Stats.F(Stats.MB(b), "0.0"))) + " MB; "
                + $"peak working set {Stats.F(Stats.MB(run.PeakWorkingSet), "0")} MB ({Stats.F(Stats.MB(smallRun.PeakWorkingSet), "0")} MB for {small} rows)");
            Console.WriteLine(
                $"  the same command again over the finished journal: {Stats.F(again.Wall.TotalMilliseconds, "0")} ms for {rows} rows "
                + $"({Stats.F(again.Wall.TotalMilliseconds / rows, "0.000")} ms a row), {requestsAgain} requests, {again.Succeeded} rows reported done");
            return ratioMet && journalMet && heapMet && created == rows && requestsAgain == 0;
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task<Run> RunOnceAsync(SoraClient client, string output, int rows, int throttle, TimeSpan pollInterval, string label)
    {
        var input = Enumerable.Range(1, rows).Select(i => new BatchRow(i, $"{label} benchmark row {i}")).ToList();
        var settings = new BatchSettings
        {
            OutputPath = output,
            ThrottleLimit = throttle,
            PollInterval = pollInterval,
            Timeout = TimeSpan.FromHours(2),
        };
        var observer = new HeapObserver(rows);
        using var self = Process.GetCurrentProcess();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long peakHeap = 0;
        long peakWorkingSet = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
                self.Refresh();
                peakWorkingSet = Math.Max(peakWorkingSet, self.WorkingSet64);
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

        var clock = Stopwatch.StartNew();
        using var batch = SoraBatch.Prepare(input, settings);
        batch.Open(client.Connection.BaseUri, message => Console.WriteLine("  warning: " + message));
        var results = await batch.RunAsync(client, observer);
        clock.Stop();
        await sampling.CancelAsync();
        await sampler;

        // What the batch keeps for its rows, with the journal still open and every result held.
        var retained = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(batch);
        if (results.Count != rows)
        {
            throw new InvalidOperationException($"{results.Count} results for {rows} rows.");
        }

        return new Run(clock.Elapsed, batch.JournalRecordsWritten, batch.JournalFlushes, batch.JournalWriteTime, peakHeap, retained, peakWorkingSet, observer.HeapByTenth, results.Count(r => r.Succeeded));
    }

    private sealed record Run(TimeSpan Wall, int JournalRecords, int JournalFlushes, TimeSpan JournalTime, long PeakHeap, long RetainedHeap, long PeakWorkingSet, IReadOnlyList<long> HeapByTenth, int Succeeded);

    /// <summary>Takes the managed heap each time another tenth of the rows has ended.</summary>
    private sealed class HeapObserver(int rows) : IBatchObserver
    {
        private readonly object gate = new();
        private readonly List<long> heapByTenth = [];
        private int ended;

        public IReadOnlyList<long> HeapByTenth
        {
            get
            {
                lock (gate)
                {
                    return heapByTenth.ToList();
                }
            }
        }

        public void RowEnded(SoraBatchResult result)
        {
            lock (gate)
            {
                ended++;
                if (ended * 10 / rows > heapByTenth.Count)
                {
                    heapByTenth.Add(GC.GetTotalMemory(false));
                }
            }
        }

        public void Progress(BatchProgress progress)
        {
        }
    }
}
