using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace SoraPS.Benchmarks;

/// <summary>
/// One side of the side-by-side listing (bench/Measure-SideBySide.ps1), as a long-running process that
/// the script drives over standard input, so that every client is timed inside its own process, after
/// start-up, and the script can alternate the sides run by run:
///   list-core  SoraPS.Core's own walk (ListAllPagesAsync, pages of 100), each job touched;
///   list-bare  a bare HttpClient loop that GETs the same URLs and reads the bodies without parsing.
/// Prints @@{"ready":true}, then answers each "list" line with one line @@{"ms":..., "count":...}; "quit" ends it.
/// </summary>
internal static class Worker
{
    private const int PageSize = 100;
    private static readonly TimeSpan MaxRun = TimeSpan.FromSeconds(120);

    public static async Task<int> RunAsync(string kind, Uri baseUri)
    {
        var client = new SoraClient(new SoraConnection(new SoraConnectionOptions { BaseUri = baseUri, MaxRetries = 0 }));
        using var bare = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { Timeout = MaxRun };
        List<Uri>? urls = null;
        if (kind == "list-bare")
        {
            // The URLs the walk asks for: the cursor of each page is the last id of the one before.
            urls = [];
            string? after = null;
            await foreach (var page in client.ListAllPagesAsync(new ListVideosQuery { Limit = PageSize }))
            {
                urls.Add(new Uri(baseUri, after is null ? $"videos?limit={PageSize}" : $"videos?limit={PageSize}&after={Uri.EscapeDataString(after)}"));
                after = page.LastId;
            }
        }
        else if (kind != "list-core")
        {
            Console.Error.WriteLine($"Unknown worker '{kind}' (list-core or list-bare).");
            return 2;
        }

        var buffer = new byte[64 * 1024];
        Console.WriteLine("@@{\"ready\":true}");
        string? line;
        while ((line = Console.ReadLine()) is not null && line.Trim() != "quit")
        {
            if (line.Trim() is not ("list" or "count"))
            {
                continue;
            }

            using var cap = new CancellationTokenSource(MaxRun);
            var clock = Stopwatch.StartNew();
            var count = urls is null ? await WalkAsync(client, cap.Token) : await BareAsync(bare, urls, buffer, cap.Token);
            clock.Stop();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"@@{{\"ms\":{clock.Elapsed.TotalMilliseconds:0.###},\"count\":{count}}}"));
        }

        return 0;
    }

    private static async Task<long> WalkAsync(SoraClient client, CancellationToken cancellationToken)
    {
        long count = 0;
        await foreach (var page in client.ListAllPagesAsync(new ListVideosQuery { Limit = PageSize }, cancellationToken))
        {
            foreach (var video in page.Data)
            {
                count += video.Id.Length > 0 ? 1 : 0;
            }
        }

        return count;
    }

    /// <returns>The pages read (the bare loop does not know the jobs).</returns>
    private static async Task<long> BareAsync(HttpClient http, List<Uri> urls, byte[] buffer, CancellationToken cancellationToken)
    {
        long bytes = 0;
        foreach (var url in urls)
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            response.EnsureSuccessStatusCode();
            using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                bytes += read;
            }
        }

        return bytes == 0 ? 0 : urls.Count * (long)PageSize;
    }
}
