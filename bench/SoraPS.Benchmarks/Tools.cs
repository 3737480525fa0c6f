using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace SoraPS.Benchmarks;

/// <summary>External programs: found on PATH, run with a time limit.</summary>
internal static class Tools
{
    public static string? Find(string name)
    {
        var names = OperatingSystem.IsWindows() ? new[] { name + ".exe", name } : new[] { name };
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            foreach (var candidate in names)
            {
                if (directory.Length > 0 && File.Exists(Path.Combine(directory, candidate)))
                {
                    return Path.Combine(directory, candidate);
                }
            }
        }

        return null;
    }

    /// <returns>The exit code and standard output.</returns>
    public static async Task<(int Exit, string Output)> RunAsync(string program, IEnumerable<string> arguments, TimeSpan limit)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} ran longer than {limit.TotalSeconds} s and was stopped.");
        }

        return (process.ExitCode, await output + await error);
    }
}
