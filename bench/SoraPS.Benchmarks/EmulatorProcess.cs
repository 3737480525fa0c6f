using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace SoraPS.Benchmarks;

/// <summary>
/// The emulator as a separate process (`dotnet SoraPS.Emulator.dll --urls http://127.0.0.1:0 ...`), so
/// that its CPU time, threads and memory are not counted as the client's. Talks to its control routes.
/// </summary>
internal sealed partial class EmulatorProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process process;
    private readonly HttpClient control = new() { Timeout = TimeSpan.FromSeconds(60) };

    private EmulatorProcess(Process process, Uri baseUri)
    {
        this.process = process;
        BaseUri = baseUri;
        RootUri = new Uri(baseUri, "/");
    }

    /// <summary>http://127.0.0.1:PORT/v1/</summary>
    public Uri BaseUri { get; }

    public Uri RootUri { get; }

    public static async Task<EmulatorProcess> StartAsync(double renderSeconds, int pollAfterMs, int seed)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "SoraPS.Emulator.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("The emulator was not built next to the benchmarks.", dll);
        }

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            dll, "--urls", "http://127.0.0.1:0",
            "--render-seconds", renderSeconds.ToString(CultureInfo.InvariantCulture),
            "--poll-after-ms", pollAfterMs.ToString(CultureInfo.InvariantCulture),
            "--seed", seed.ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        using var timeout = new CancellationTokenSource(StartTimeout);
        string? line;
        try
        {
            line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The emulator printed nothing within {StartTimeout.TotalSeconds} s.");
        }

        var match = line is null ? null : BaseUriPattern().Match(line);
        if (match is null || !match.Success)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"The emulator did not start: {line} {await process.StandardError.ReadToEndAsync()}");
        }

        // Keep the pipes drained so the emulator can never block on a full one.
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return new EmulatorProcess(process, new Uri(match.Groups[1].Value));
    }

    /// <summary>The emulator process's own resident memory, for context in the report.</summary>
    public long ResidentBytes
    {
        get
        {
            process.Refresh();
            return process.WorkingSet64;
        }
    }

    public async Task SeedAsync(int count)
    {
        using var body = new StringContent($"{{\"count\":{count.ToString(CultureInfo.InvariantCulture)}}}", Encoding.UTF8, "application/json");
        using var response = await control.PostAsync(new Uri(RootUri, "_emulator/seed"), body);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The emulator's own counts: jobs created by POSTs, and the most unfinished at once.</summary>
    public async Task<(int JobsCreated, int MaxUnfinished)> StatsAsync()
    {
        using var response = await control.GetAsync(new Uri(RootUri, "_emulator/stats"));
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        return (json.RootElement.GetProperty("jobsCreated").GetInt32(), json.RootElement.GetProperty("maxUnfinished").GetInt32());
    }

    public async Task ClearRequestsAsync()
    {
        using var response = await control.DeleteAsync(new Uri(RootUri, "_emulator/requests"));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The recorded API requests as (method, path, query).</summary>
    public async Task<IReadOnlyList<(string Method, string Path, string Query)>> RequestsAsync()
    {
        using var response = await control.GetAsync(new Uri(RootUri, "_emulator/requests"));
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        var list = new List<(string, string, string)>();
        foreach (var item in json.RootElement.EnumerateArray())
        {
            list.Add((Text(item, "method"), Text(item, "path"), Text(item, "query")));
        }

        return list;
    }

    public async ValueTask DisposeAsync()
    {
        control.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // Reported by the caller's next start, if it matters.
            }
        }

        process.Dispose();
    }

    private static string Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? string.Empty : string.Empty;

    [GeneratedRegex(@"(http://127\.0\.0\.1:\d+/v1/)")]
    private static partial Regex BaseUriPattern();
}
