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

    /// <summary>
    /// The PowerShell 7 to start: pwsh on PATH, else the repository's pinned .NET tool (after
    /// `dotnet tool restore`), started as the tool's shim starts it, `dotnet pwsh.dll`, so that the
    /// tool's own lookup is not timed with every start. Null when neither exists.
    /// </summary>
    public static async Task<(string Program, string[] Prefix)?> FindPowerShellAsync(string repositoryRoot)
    {
        if (Find("pwsh") is { } onPath)
        {
            return (onPath, []);
        }

        try
        {
            var (exit, output) = await RunAsync(
                "dotnet", ["pwsh", "-NoProfile", "-NonInteractive", "-Command", "[System.Reflection.Assembly]::GetEntryAssembly().Location"], TimeSpan.FromSeconds(120), repositoryRoot);
            var entry = output.Trim();
            return exit == 0 && File.Exists(entry) ? ("dotnet", [entry]) : null;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or TimeoutException)
        {
            return null;
        }
    }

    /// <returns>The exit code and standard output.</returns>
    public static async Task<(int Exit, string Output)> RunAsync(string program, IEnumerable<string> arguments, TimeSpan limit, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

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
