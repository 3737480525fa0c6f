using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;

namespace SoraPS.Benchmarks;

/// <summary>Medians and spreads of repeated runs, and the units the report prints.</summary>
internal static class Stats
{
    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    public static double Percentile(IReadOnlyList<double> values, double fraction)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        var index = (int)Math.Ceiling(fraction * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
    }

    /// <summary>"1.23 (1.10..1.31)": median, then the smallest and largest run.</summary>
    public static string Spread(IReadOnlyList<double> values, string format) =>
        F(Median(values), format) + " (" + F(values.Min(), format) + ".." + F(values.Max(), format) + ")";

    public static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>Decimal megabytes (10^6 bytes), as every figure in the report uses.</summary>
    public static double MB(long bytes) => bytes / 1e6;

    public static double GBps(long bytes, TimeSpan time) => bytes / time.TotalSeconds / 1e9;

    /// <summary>Reads 100MB, 1GiB, 512MiB, 2GB or a plain byte count.</summary>
    public static long ParseSize(string text)
    {
        var units = new (string Suffix, long Factor)[]
        {
            ("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10), ("GB", 1_000_000_000), ("MB", 1_000_000), ("KB", 1_000), ("B", 1),
        };
        foreach (var (suffix, factor) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return checked(long.Parse(text[..^suffix.Length], NumberStyles.None, CultureInfo.InvariantCulture) * factor);
            }
        }

        return long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
    }

    public static string SizeName(long bytes) =>
        bytes % (1L << 30) == 0 ? F(bytes / (double)(1L << 30), "0.##") + " GiB"
        : bytes % (1L << 20) == 0 ? F(bytes / (double)(1L << 20), "0.##") + " MiB"
        : F(bytes / 1e6, "0.##") + " MB";
}

/// <summary>
/// This process's resident memory. On Linux the kernel keeps the peak (VmHWM) and lets a process reset
/// it (writing 5 to /proc/self/clear_refs), which catches a peak however short. Elsewhere a thread
/// samples the working set every 2 ms, which can miss a peak shorter than that.
/// </summary>
internal sealed class PeakMemory : IDisposable
{
    private const string Status = "/proc/self/status";
    private const string ClearRefs = "/proc/self/clear_refs";

    private readonly Thread? sampler;
    private readonly long baseline;
    private long sampledPeak;
    private volatile bool stop;

    private PeakMemory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        baseline = CurrentResident();
        if (TryResetKernelPeak())
        {
            Method = "kernel peak RSS (VmHWM, reset before the run)";
            return;
        }

        Method = "working set sampled every 2 ms";
        sampledPeak = baseline;
        sampler = new Thread(() =>
        {
            while (!stop)
            {
                var now = CurrentResident();
                if (now > Interlocked.Read(ref sampledPeak))
                {
                    Interlocked.Exchange(ref sampledPeak, now);
                }

                Thread.Sleep(2);
            }
        })
        { IsBackground = true, Name = "peak memory sampler" };
        sampler.Start();
    }

    public string Method { get; }

    /// <summary>Resident bytes just before the measured run (after a full GC).</summary>
    public long Baseline => baseline;

    /// <summary>Starts a measurement: the baseline is taken now, the peak from now on.</summary>
    public static PeakMemory Start() => new();

    /// <summary>Peak resident bytes since <see cref="Start"/>, minus the baseline.</summary>
    public long Growth()
    {
        var peak = sampler is null ? KernelPeak() : Interlocked.Read(ref sampledPeak);
        return Math.Max(0, peak - baseline);
    }

    public void Dispose()
    {
        stop = true;
        sampler?.Join();
    }

    public static long CurrentResident()
    {
        if (OperatingSystem.IsLinux())
        {
            return ReadStatus("VmRSS:");
        }

        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }

    private static long KernelPeak() => ReadStatus("VmHWM:");

    private static bool TryResetKernelPeak()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            File.WriteAllText(ClearRefs, "5");
            return KernelPeak() <= CurrentResident() + (1 << 20);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long ReadStatus(string field)
    {
        foreach (var line in File.ReadLines(Status))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                var kb = line[field.Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"{Status} has no {field}");
    }
}
