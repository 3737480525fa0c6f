using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace SoraPS.Benchmarks;

/// <summary>
/// Target 3 (download): ContentDownloader to a file against `curl -o` from the same emulator process, alternately,
/// with the growth of this process's peak resident memory during each SoraPS download.
/// </summary>
internal static class DownloadBenchmark
{
    private static readonly TimeSpan MaxTransfer = TimeSpan.FromSeconds(120);

    public static async Task<bool> RunAsync(IReadOnlyList<long> sizes, int runs)
    {
        var curl = Tools.Find("curl");
        var met = true;
        foreach (var size in sizes)
        {
            met &= await RunOneAsync(size, runs, curl);
        }

        return met;
    }

    private static async Task<bool> RunOneAsync(long size, int runs, string? curl)
    {
        await using var emulator = await EmulatorProcess.StartAsync(renderSeconds: 0, pollAfterMs: 0, seed: 0);
        var client = new SoraClient(new SoraConnection(new SoraConnectionOptions { BaseUri = emulator.BaseUri, MaxRetries = 0 }));
        var job = await client.CreateVideoAsync(new CreateVideoRequest("Benchmark download #bytes=" + size.ToString(CultureInfo.InvariantCulture)));
        job = await client.GetVideoAsync(job.Id);
        if (!job.IsCompleted)
        {
            throw new InvalidOperationException($"The job is {job.Status}, not completed.");
        }

        var url = new Uri(emulator.BaseUri, $"videos/{job.Id}/content?variant=video");
        var directory = Directory.CreateTempSubdirectory("soraps-bench-");
        var file = Path.Combine(directory.FullName, "video.mp4");
        var downloader = new ContentDownloader(client);
        var soraps = new List<double>();
        var reference = new List<double>();
        var growth = new List<double>();
        var allocated = new List<double>();
        var sorapsCpu = new List<double>();
        string? memoryMethod = null;
        try
        {
            // One untimed run of each: JIT, the pooled connection, the emulator's own warm-up.
            await SorapsOnceAsync(downloader, job.Id, file, size);
            if (curl is not null)
            {
                await CurlOnceAsync(curl, url, file, size);
            }

            for (var run = 0; run < runs; run++)
            {
                // Rotate the order, so that no side always meets a colder page cache or a busier moment.
                for (var turn = 0; turn < 2; turn++)
                {
                    switch ((run + turn) % 2)
                    {
                        case 0:
                            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                            using (var memory = PeakMemory.Start())
                            {
                                var cpuBefore = CpuTime();
                                var time = await SorapsOnceAsync(downloader, job.Id, file, size);
                                sorapsCpu.Add((CpuTime() - cpuBefore).TotalSeconds / (size / 1e9));
                                growth.Add(Stats.MB(memory.Growth()));
                                memoryMethod = memory.Method;
                                soraps.Add(Stats.GBps(size, time));
                            }

                            allocated.Add(Stats.MB(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore));
                            break;
                        case 1 when curl is not null:
                            reference.Add(Stats.GBps(size, await CurlOnceAsync(curl, url, file, size)));
                            break;
                    }
                }
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }

        var name = Stats.SizeName(size);
        var memoryMet = Stats.Median(growth) < 16 && Max(growth) < 16;
        string throughput;
        var met = memoryMet;
        if (reference.Count > 0)
        {
            var ratio = Stats.Median(soraps) / Stats.Median(reference);
            var throughputMet = ratio >= 1.10;
            met &= throughputMet || size < (1L << 30);
            throughput = $"SoraPS {Stats.Spread(soraps, "0.00")} GB/s, curl {Stats.Spread(reference, "0.00")} GB/s, ratio {Stats.F(ratio, "0.00")} (target >= 1.10{(size < (1L << 30) ? ", set for 1 GiB" : string.Empty)}){Verdict(throughputMet)}";
        }
        else
        {
            throughput = $"SoraPS {Stats.Spread(soraps, "0.00")} GB/s, curl not on PATH: no ratio";
        }

        Console.WriteLine($"download {name}: {throughput}; peak working set +{Stats.Spread(growth, "0.0")} MB (target < 16 MB){Verdict(memoryMet)}");
        Console.WriteLine($"  {runs} runs each, medians (min..max); memory: {memoryMethod}; managed allocations per download {Stats.Spread(allocated, "0.00")} MB");
        Console.WriteLine(
            $"  CPU time of this process per GB (user + system, all threads; less sensitive to a busy machine than wall time): SoraPS {Stats.Spread(sorapsCpu, "0.00")} s");
        return met;
    }

    private static async Task<TimeSpan> SorapsOnceAsync(ContentDownloader downloader, string videoId, string file, long size)
    {
        using var cap = new CancellationTokenSource(MaxTransfer);
        var clock = Stopwatch.StartNew();
        var written = await downloader.DownloadAsync(videoId, VideoVariant.Video, DownloadTarget.File(file), new DownloadOptions { Overwrite = true }, cap.Token);
        clock.Stop();
        Check(written.Length, size, "SoraPS");
        File.Delete(file);
        return clock.Elapsed;
    }

    private static async Task<TimeSpan> CurlOnceAsync(string curl, Uri url, string file, long size)
    {
        // curl's own time_total (name lookup to last byte), so its process start-up is not counted against it.
        var (exit, output) = await Tools.RunAsync(
            curl,
            ["-sS", "--fail", "--max-time", MaxTransfer.TotalSeconds.ToString(CultureInfo.InvariantCulture), "-o", file, "-w", "%{time_total} %{size_download}", url.ToString()],
            MaxTransfer + TimeSpan.FromSeconds(10));
        if (exit != 0)
        {
            throw new InvalidOperationException($"curl failed ({exit}): {output}");
        }

        var parts = output.Trim().Split(' ');
        Check(new FileInfo(file).Length, size, "curl");
        File.Delete(file);
        return TimeSpan.FromSeconds(double.Parse(parts[0], CultureInfo.InvariantCulture));
    }

    private static TimeSpan CpuTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    private static void Check(long actual, long expected, string who)
    {
        if (actual != expected)
        {
            throw new InvalidOperationException($"{who} wrote {actual} bytes instead of {expected}.");
        }
    }

    private static double Max(List<double> values)
    {
        var max = double.MinValue;
        foreach (var value in values)
        {
            max = Math.Max(max, value);
        }

        return max;
    }

    public static string Verdict(bool met) => met ? " MET" : " NOT MET";
}
