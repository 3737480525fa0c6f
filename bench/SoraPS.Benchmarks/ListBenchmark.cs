using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace SoraPS.Benchmarks;

/// <summary>
/// Listing at the SoraPS.Core level (target 1 is measured side by side in bench/Measure-SideBySide.ps1):
/// ListAllPagesAsync over every page (100 jobs a page), each job touched as it arrives, against
/// a bare HttpClient loop that GETs the same URLs and reads the bodies without parsing them. Then the
/// memory the listing keeps alive, at two job counts.
/// </summary>
internal static class ListBenchmark
{
    private const int PageSize = 100;

    /// <summary>Untimed rounds of each side first: tiered JIT needs a few hundred pages to settle.</summary>
    private const int WarmUpRounds = 6;
    private static readonly TimeSpan MaxRun = TimeSpan.FromSeconds(120);

    public static async Task<bool> RunAsync(int jobs, int smallJobs, int runs)
    {
        await using var emulator = await EmulatorProcess.StartAsync(renderSeconds: 0, pollAfterMs: 0, seed: smallJobs);
        var client = new SoraClient(new SoraConnection(new SoraConnectionOptions { BaseUri = emulator.BaseUri, MaxRetries = 0 }));

        // Memory first at the small count, then the emulator grows to the full count.
        var small = await RetainedAsync(client, smallJobs);
        await emulator.SeedAsync(jobs - smallJobs);
        var large = await RetainedAsync(client, jobs);

        // The bare loop asks for exactly the URLs SoraPS asks for: the cursors are taken from one listing.
        var urls = new List<Uri>();
        string? after = null;
        await foreach (var page in client.ListAllPagesAsync(new ListVideosQuery { Limit = PageSize }))
        {
            urls.Add(new Uri(emulator.BaseUri, after is null ? $"videos?limit={PageSize}" : $"videos?limit={PageSize}&after={Uri.EscapeDataString(after)}"));
            after = page.LastId;
        }

        using var bare = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { Timeout = MaxRun };
        var buffer = new byte[64 * 1024];
        var sorapsTimes = new List<double>();
        var bareTimes = new List<double>();
        var pairedRatios = new List<double>();
        var parseTimes = new List<double>();
        var prototypeTimes = new List<double>();
        double coldSoraps = 0, coldBare = 0;

        // Untimed rounds of each first (the first one is reported as the cold figure), then alternate which goes first.
        var bodies = await BodiesAsync(bare, urls);
        for (var round = -WarmUpRounds; round < runs; round++)
        {
            double s = 0, b = 0;
            for (var turn = 0; turn < 2; turn++)
            {
                if ((round + turn) % 2 == 0)
                {
                    s = await SorapsOnceAsync(client, jobs);
                }
                else
                {
                    b = await BareOnceAsync(bare, urls, buffer);
                }
            }

            var parse = ParseOnly(bodies, jobs);
            var prototype = await PrototypeOnceAsync(bare, emulator.BaseUri, jobs);
            if (round == -WarmUpRounds)
            {
                (coldSoraps, coldBare) = (s, b);
            }

            if (round >= 0)
            {
                sorapsTimes.Add(s);
                bareTimes.Add(b);
                pairedRatios.Add(s / b);
                parseTimes.Add(parse);
                prototypeTimes.Add(prototype);
            }
        }

        var ratio = Stats.Median(sorapsTimes) / Stats.Median(bareTimes);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        await SorapsOnceAsync(client, jobs);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        // For scale only: the target compares the cmdlet with this walk and with openai-node (Measure-SideBySide.ps1).
        var timeMet = true;

        // "Does not grow": the larger listing keeps no more alive than the smaller one, within a page's worth.
        var memoryMet = large.LiveGrowth - small.LiveGrowth < 1_000_000 && large.PeakGrowth - small.PeakGrowth < 8_000_000;
        var keptAll = await KeepingEverythingAsync(client, jobs);
        Console.WriteLine(
            $"list {jobs} jobs ({urls.Count} pages of {PageSize}): SoraPS {Stats.Spread(sorapsTimes, "0")} ms, bare HttpClient {Stats.Spread(bareTimes, "0")} ms, "
            + $"ratio {Stats.F(ratio, "0.00")} (for scale: parsing is what the bare loop leaves out)");
        Console.WriteLine($"  {runs} runs each after {WarmUpRounds} untimed, alternately, medians (min..max); ratio of each pair {Stats.Spread(pairedRatios, "0.00")}, "
            + $"ratio of the fastest runs {Stats.F(Min(sorapsTimes) / Min(bareTimes), "0.00")}; SoraPS allocates {Stats.F(Stats.MB(allocated), "0.0")} MB per listing");
        Console.WriteLine(
            $"  of which JSON parsing alone (same bodies, System.Text.Json, same converters) {Stats.Spread(parseTimes, "0")} ms; "
            + $"first (cold) run: SoraPS {Stats.F(coldSoraps, "0")} ms, bare {Stats.F(coldBare, "0")} ms");
        Console.WriteLine(
            $"list memory: live heap growth from the first page to the last (full GC after each page): {smallJobs} jobs {Stats.F(small.LiveGrowth / 1e3, "0")} kB, "
            + $"{jobs} jobs {Stats.F(large.LiveGrowth / 1e3, "0")} kB; peak working set +{Stats.F(Stats.MB(small.PeakGrowth), "0.0")} MB and +{Stats.F(Stats.MB(large.PeakGrowth), "0.0")} MB "
            + $"(target: no growth with the job count){DownloadBenchmark.Verdict(memoryMet)}");
        Console.WriteLine(
            $"  proposed read-ahead (next page requested before this one is parsed; bench-only prototype, not SoraPS): {Stats.Spread(prototypeTimes, "0")} ms, "
            + $"ratio {Stats.F(Stats.Median(prototypeTimes) / Stats.Median(bareTimes), "0.00")} against the bare loop");
        Console.WriteLine($"  for scale, a consumer that keeps every job grows the live heap by {Stats.F(Stats.MB(keptAll), "0.0")} MB over the same {jobs} jobs");
        return timeMet && memoryMet;
    }

    private static async Task<double> SorapsOnceAsync(SoraClient client, int expected)
    {
        using var cap = new CancellationTokenSource(MaxRun);
        var clock = Stopwatch.StartNew();
        var count = 0;
        long touched = 0;
        await foreach (var page in client.ListAllPagesAsync(new ListVideosQuery { Limit = PageSize }, cap.Token))
        {
            foreach (var video in page.Data)
            {
                touched += video.Id.Length;
                count++;
            }
        }

        clock.Stop();
        Check(count, expected, touched);
        return clock.Elapsed.TotalMilliseconds;
    }

    private static async Task<double> BareOnceAsync(HttpClient http, List<Uri> urls, byte[] buffer)
    {
        using var cap = new CancellationTokenSource(MaxRun);
        var clock = Stopwatch.StartNew();
        long bytes = 0;
        foreach (var url in urls)
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cap.Token);
            response.EnsureSuccessStatusCode();
            using var body = await response.Content.ReadAsStreamAsync(cap.Token);
            int read;
            while ((read = await body.ReadAsync(buffer, cap.Token)) > 0)
            {
                bytes += read;
            }
        }

        clock.Stop();
        if (bytes == 0)
        {
            throw new InvalidOperationException("The bare loop read nothing.");
        }

        return clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>
    /// One listing, untimed: after each page the heap is collected and its live size taken (the page being
    /// consumed is still alive then, the earlier ones must not be); and the peak working set growth.
    /// </summary>
    private static async Task<(long LiveGrowth, long PeakGrowth)> RetainedAsync(SoraClient client, int expected)
    {
        // Once without measuring, so that JIT and first-use allocations do not count.
        await SorapsOnceAsync(client, expected);

        long peakGrowth;
        using (var memory = PeakMemory.Start())
        {
            await SorapsOnceAsync(client, expected);
            peakGrowth = memory.Growth();
        }

        long? first = null;
        long maxLive = 0;
        var count = 0;
        await foreach (var page in client.ListAllPagesAsync(new ListVideosQuery { Limit = PageSize }))
        {
            count += page.Data.Count;
            var live = GC.GetTotalMemory(forceFullCollection: true);
            first ??= live;
            maxLive = Math.Max(maxLive, live);
        }

        Check(count, expected, 1);
        return (maxLive - first!.Value, peakGrowth);
    }

    /// <summary>The same measurement for a consumer that keeps every job: shows what growth looks like.</summary>
    private static async Task<long> KeepingEverythingAsync(SoraClient client, int expected)
    {
        var kept = new List<SoraVideo>(expected);
        long? first = null;
        long last = 0;
        await foreach (var page in client.ListAllPagesAsync(new ListVideosQuery { Limit = PageSize }))
        {
            kept.AddRange(page.Data);
            last = GC.GetTotalMemory(forceFullCollection: true);
            first ??= last;
        }

        Check(kept.Count, expected, 1);
        return last - first!.Value;
    }

    /// <summary>
    /// The read-ahead proposed for ListAllPagesAsync (docs/PERFORMANCE.md): the body of page N is read whole,
    /// scanned for last_id and has_more without building objects, the request for page N+1 is sent, and
    /// only then is page N deserialized, so that parsing overlaps the next round trip. Uses the reflection
    /// serializer on SoraPS's own model types (SoraPS.Core's serializer context is internal).
    /// </summary>
    private static async Task<double> PrototypeOnceAsync(HttpClient http, Uri baseUri, int expected)
    {
        using var cap = new CancellationTokenSource(MaxRun);
        var clock = Stopwatch.StartNew();
        var count = 0;
        Task<byte[]>? next = http.GetByteArrayAsync(new Uri(baseUri, $"videos?limit={PageSize}"), cap.Token);
        while (next is not null)
        {
            var body = await next;
            var (lastId, hasMore) = Cursor(body);
            next = hasMore && lastId is not null
                ? http.GetByteArrayAsync(new Uri(baseUri, $"videos?limit={PageSize}&after={Uri.EscapeDataString(lastId)}"), cap.Token)
                : null;
            var page = JsonSerializer.Deserialize<SoraVideoPage>(body) ?? throw new InvalidOperationException("An empty page.");
            foreach (var video in page.Data)
            {
                count += video.Id.Length > 0 ? 1 : 0;
            }
        }

        clock.Stop();
        Check(count, expected, 1);
        return clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>last_id and has_more of a list body, skipping the data array without materializing it.</summary>
    private static (string? LastId, bool HasMore) Cursor(byte[] body)
    {
        var reader = new Utf8JsonReader(body);
        string? lastId = null;
        var hasMore = false;
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("last_id"u8))
            {
                reader.Read();
                lastId = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("has_more"u8))
            {
                reader.Read();
                hasMore = reader.TokenType == JsonTokenType.True;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return (lastId, hasMore);
    }

    private static async Task<List<byte[]>> BodiesAsync(HttpClient http, List<Uri> urls)
    {
        var bodies = new List<byte[]>(urls.Count);
        foreach (var url in urls)
        {
            bodies.Add(await http.GetByteArrayAsync(url));
        }

        return bodies;
    }

    /// <summary>
    /// Deserializes the bodies alone. SoraPS.Core's own serializer context is internal, so this uses the
    /// reflection serializer, which reads the same [JsonConverter] attributes of the same model types.
    /// </summary>
    private static double ParseOnly(List<byte[]> bodies, int expected)
    {
        var clock = Stopwatch.StartNew();
        var count = 0;
        foreach (var body in bodies)
        {
            count += JsonSerializer.Deserialize<SoraVideoPage>(body)?.Data.Count ?? 0;
        }

        clock.Stop();
        Check(count, expected, 1);
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double Min(List<double> values)
    {
        var min = double.MaxValue;
        foreach (var value in values)
        {
            min = Math.Min(min, value);
        }

        return min;
    }

    private static void Check(int count, int expected, long touched)
    {
        if (count != expected || touched == 0)
        {
            throw new InvalidOperationException($"The listing returned {count} jobs instead of {expected}.");
        }
    }
}
