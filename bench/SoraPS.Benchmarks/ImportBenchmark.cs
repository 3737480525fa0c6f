using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;

namespace SoraPS.Benchmarks;

/// <summary>
/// Target 2 (import): what `Import-Module SoraPS` adds to a bare `pwsh -NoProfile` start, where pwsh is on PATH.
/// The same figure as bench/Measure-SideBySide.ps1 -Only import (which also imports PSOpenAI), for a machine
/// that runs only this program.
/// </summary>
internal static class ImportBenchmark
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(120);

    public static async Task<bool> RunAsync(int runs)
    {
        var manifest = FindManifest();
        if (manifest is null)
        {
            Console.WriteLine("import: out/SoraPS/SoraPS.psd1 does not exist: build the module first (dotnet pwsh ./build.ps1); the import time was not measured");
            return true;
        }

        var root = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(manifest)))!;
        if (await Tools.FindPowerShellAsync(root) is not { } pwsh)
        {
            Console.WriteLine("import: no pwsh on PATH and no PowerShell tool restored (dotnet tool restore): the import time was not measured");
            return true;
        }

        var import = "Import-Module '" + manifest.Replace("'", "''", StringComparison.Ordinal) + "'";
        await StartAsync(pwsh, "1");
        await StartAsync(pwsh, import);
        var withImport = new List<double>();
        var bare = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            for (var turn = 0; turn < 2; turn++)
            {
                if ((run + turn) % 2 == 0)
                {
                    withImport.Add(await StartAsync(pwsh, import));
                }
                else
                {
                    bare.Add(await StartAsync(pwsh, "1"));
                }
            }
        }

        var added = Stats.Median(withImport) - Stats.Median(bare);
        var met = added <= 80;
        Console.WriteLine(
            $"import: pwsh -NoProfile -c 'Import-Module SoraPS' {Stats.Spread(withImport, "0")} ms, bare pwsh {Stats.Spread(bare, "0")} ms, "
            + $"adds {Stats.F(added, "0")} ms (target <= 80 ms){DownloadBenchmark.Verdict(met)}");
        Console.WriteLine($"  {runs} fresh starts each, alternately, medians (min..max); ratio {Stats.F(Stats.Median(withImport) / Stats.Median(bare), "0.00")}; pwsh: {string.Join(" ", [pwsh.Program, .. pwsh.Prefix])}");
        return met;
    }

    private static async Task<double> StartAsync((string Program, string[] Prefix) pwsh, string command)
    {
        var clock = Stopwatch.StartNew();
        var (exit, output) = await Tools.RunAsync(pwsh.Program, [.. pwsh.Prefix, "-NoProfile", "-NonInteractive", "-Command", command], StartLimit);
        clock.Stop();
        if (exit != 0)
        {
            throw new InvalidOperationException($"pwsh -c \"{command}\" failed ({exit}): {output}");
        }

        return clock.Elapsed.TotalMilliseconds;
    }

    private static string? FindManifest()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SoraPS.sln")))
            {
                var manifest = Path.Combine(directory.FullName, "out", "SoraPS", "SoraPS.psd1");
                return File.Exists(manifest) ? manifest : null;
            }
        }

        return null;
    }
}
