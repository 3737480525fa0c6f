using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading.Tasks;
using SoraPS.Emulator;
using SoraPS.Emulator.Profiles;

// Command line: dotnet run --project src/SoraPS.Emulator -- [--urls URL] [--render-seconds S]
//   [--api-key KEY] [--api-key-header NAME] [--poll-after-ms MS] [--seed N] [--gateway]
//   [--require-header NAME=VALUE]... [--profile NAME]
var options = new EmulatorOptions { Urls = "http://127.0.0.1:5080" };
var requiredHeaders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
for (var i = 0; i < args.Length; i++)
{
    var name = args[i];
    if (name is "-h" or "--help")
    {
        PrintUsage();
        return 0;
    }

    if (name == "--gateway")
    {
        options.Gateway = true;
        continue;
    }

    if (i + 1 >= args.Length)
    {
        return Fail($"Option '{name}' needs a value.");
    }

    var value = args[++i];
    var ok = name switch
    {
        "--urls" => Set(() => options.Urls = value),
        "--render-seconds" => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
            && Set(() => options.RenderTime = TimeSpan.FromSeconds(seconds)),
        "--api-key" => Set(() => options.ApiKey = value),
        "--api-key-header" => Set(() => options.ApiKeyHeader = value),
        "--poll-after-ms" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && Set(() => options.PollAfterMs = ms),
        "--seed" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && Set(() => options.SeedCompletedJobs = count),
        "--require-header" => value.IndexOf('=', StringComparison.Ordinal) is > 0 and var at
            && Set(() => requiredHeaders[value[..at].Trim()] = value[(at + 1)..].Trim()),
        "--profile" => ServerProfile.TryParse(value, out var profile) && Set(() => options.Profile = profile),
        _ => false,
    };
    if (!ok)
    {
        return Fail($"Unknown option or bad value: {name} {value}");
    }
}

options.RequiredHeaders = requiredHeaders;
EmulatorServer server;
try
{
    server = await EmulatorServer.StartAsync(options).ConfigureAwait(false);
}
catch (ArgumentException ex)
{
    return Fail(ex.Message);
}

await using var running = server;
Console.WriteLine($"SoraPS emulator: {server.BaseUri} (control routes under {server.RootUri}_emulator/). Press Ctrl+C to stop.");
await server.WaitForShutdownAsync().ConfigureAwait(false);
return 0;

static bool Set(Action assign)
{
    assign();
    return true;
}

static int Fail(string message)
{
    Console.Error.WriteLine(message);
    PrintUsage();
    return 2;
}

static void PrintUsage() => Console.Error.WriteLine(
    $"""
    Usage: SoraPS.Emulator [--urls http://127.0.0.1:5080] [--render-seconds 5] [--api-key KEY]
                           [--api-key-header Authorization|api-key] [--poll-after-ms 1000] [--seed N]
                           [--gateway] [--require-header NAME=VALUE]... [--profile NAME]
      --profile  the server to behave like: {string.Join(", ", ServerProfile.AllNames)} (default openai)
    """);
