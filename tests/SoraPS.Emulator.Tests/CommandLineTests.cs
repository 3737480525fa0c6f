using System;
using System.Diagnostics;
using System.Net.Http;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using SoraPS.Emulator.Tests.Support;

namespace SoraPS.Emulator.Tests;

/// <summary>The emulator as a process, as EmulatorProcess.psm1 starts it.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public async Task Profile_option_picks_the_server_to_behave_like()
    {
        using var process = Start("--urls", "http://127.0.0.1:0", "--profile", "litellm-gemini", "--seed", "1");
        try
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            var baseUri = Regex.Match(line ?? string.Empty, @"http://127\.0\.0\.1:\d+/v1/").Value;
            Assert.False(string.IsNullOrEmpty(baseUri), $"no base URL in '{line}'");
            using var client = new HttpClient { BaseAddress = new Uri(baseUri), Timeout = TimeSpan.FromSeconds(20) };

            var refused = await Api.SendAsync(client, HttpMethod.Get, "videos", status: 500);

            Api.AssertLiteLlmError(refused, 500, "litellm.NotImplementedError: Video list is not supported by Google Veo");
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    [Theory]
    [InlineData("Unknown option or bad value: --profile azure", "--profile", "azure")]
    [InlineData("Gateway is a variation of the openai profile", "--gateway", "--profile", "litellm-openai")]
    public async Task A_bad_profile_is_refused_with_the_usage(string message, params string[] arguments)
    {
        using var process = Start(["--urls", "http://127.0.0.1:0", .. arguments]);
        var errors = await process.StandardError.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, process.ExitCode);
        Assert.Contains(message, errors, StringComparison.Ordinal);
        Assert.Contains("openai, litellm-openai, litellm-gemini, litellm-runway", errors, StringComparison.Ordinal);
    }

    private static Process Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(EmulatorServer).Assembly.Location);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
    }
}
