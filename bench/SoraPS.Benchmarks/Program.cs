using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading.Tasks;
using SoraPS.Benchmarks;

// dotnet run -c Release --project bench/SoraPS.Benchmarks -- [download|list|wait|import|batch|all] [options]
//        dotnet run -c Release --project bench/SoraPS.Benchmarks -- worker list-core|list-bare BASE_URI
// See docs/PERFORMANCE.md. The worker form is one side of bench/Measure-SideBySide.ps1 (Worker.cs).
if (args.Length == 3 && args[0] == "worker")
{
    return await Worker.RunAsync(args[1], new Uri(args[2]));
}

var what = "all";
var sizes = new List<long>();
var runs = 5;
var jobs = 10_000;
var smallJobs = 2_000;
var waitJobs = 200;
var poll = TimeSpan.FromSeconds(1);
var importRuns = 15;
var batchRows = 1_000;
var batchThrottle = 4;
var batchRender = 0.5;
var batchPoll = TimeSpan.FromSeconds(0.1);
for (var i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
    switch (args[i])
    {
        case "download" or "list" or "wait" or "import" or "batch" or "all":
            what = args[i];
            break;
        case "--size":
            sizes.Add(Stats.ParseSize(Next()));
            break;
        case "--runs":
            runs = Math.Clamp(int.Parse(Next(), CultureInfo.InvariantCulture), 1, 50);
            break;
        case "--jobs":
            jobs = Math.Clamp(int.Parse(Next(), CultureInfo.InvariantCulture), 100, 100_000);
            smallJobs = Math.Min(smallJobs, jobs / 5);
            break;
        case "--wait-jobs":
            waitJobs = Math.Clamp(int.Parse(Next(), CultureInfo.InvariantCulture), 1, 2_000);
            break;
        case "--import-runs":
            importRuns = Math.Clamp(int.Parse(Next(), CultureInfo.InvariantCulture), 3, 50);
            break;
        case "--batch-rows":
            batchRows = Math.Clamp(int.Parse(Next(), CultureInfo.InvariantCulture), 10, 20_000);
            break;
        case "--batch-throttle":
            batchThrottle = Math.Clamp(int.Parse(Next(), CultureInfo.InvariantCulture), 1, 100);
            break;
        case "--batch-render":
            batchRender = Math.Clamp(double.Parse(Next(), CultureInfo.InvariantCulture), 0.1, 60);
            break;
        case "--batch-poll":
            batchPoll = TimeSpan.FromSeconds(Math.Clamp(double.Parse(Next(), CultureInfo.InvariantCulture), 0.05, 30));
            break;
        case "--poll":
            poll = TimeSpan.FromSeconds(Math.Clamp(double.Parse(Next(), CultureInfo.InvariantCulture), 0.1, 30));
            break;
        case "-h" or "--help":
            Console.WriteLine("""
                Usage: dotnet run -c Release --project bench/SoraPS.Benchmarks -- [download|list|wait|import|batch|all]
                         [--size 100MB|1GiB ...]  download sizes (default: 100MB and 1GiB)
                         [--runs 5]               timed runs of each side (download; the listing runs three times as many, at least 15)
                         [--jobs 10000]           jobs listed (memory is compared with a fifth of that)
                         [--wait-jobs 200]        jobs waited for at once
                         [--poll 1]               poll interval of the wait, in seconds
                         [--import-runs 15]       fresh pwsh starts per side (import; only where pwsh is on PATH)
                         [--batch-rows 1000]      rows of the batch (its memory is compared with a tenth of that)
                         [--batch-throttle 4]     the batch's ThrottleLimit
                         [--batch-render 0.5]     every job's render time, in seconds
                         [--batch-poll 0.1]       the batch's poll interval, in seconds
                """);
            return 0;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}' (try --help).");
            return 2;
    }
}

if (sizes.Count == 0)
{
    sizes.AddRange([100_000_000, 1L << 30]);
}

Console.WriteLine($"SoraPS benchmarks, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
Console.WriteLine("Each figure is a median over alternating runs against a reference taken in this same run; MB and GB are 10^6 and 10^9 bytes.");
var met = true;
if (what is "download" or "all")
{
    met &= await DownloadBenchmark.RunAsync(sizes, runs);
}

if (what is "list" or "all")
{
    met &= await ListBenchmark.RunAsync(jobs, smallJobs, Math.Max(runs * 3, 15));
}

if (what is "wait" or "all")
{
    met &= await WaitBenchmark.RunAsync(waitJobs, poll, minRender: 2, maxRender: 5);
}

if (what is "import" or "all")
{
    met &= await ImportBenchmark.RunAsync(importRuns);
}

if (what is "batch" or "all")
{
    met &= await BatchBenchmark.RunAsync(batchRows, batchThrottle, batchRender, batchPoll);
}

Console.WriteLine(met ? "All measured targets met." : "Some targets were not met (see NOT MET above).");

// The exit code reports a failure to run, not a missed target: the figures are the output.
return 0;
