using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using SoraPS.Emulator;

namespace SoraPS.Core.Tests;

public class RetryAfterTests
{
    [Theory]
    [InlineData("retry-after", "7", 7000)]
    [InlineData("retry-after-ms", "250", 250)]
    public async Task A_refusal_that_is_not_retried_any_more_still_says_how_long_the_server_asked_to_wait(string header, string value, int milliseconds)
    {
        await using var emulator = await TestEmulator.StartAsync(maxRetries: 0);
        emulator.Server.Faults.Add(new Fault("POST", "/v1/videos") { Status = 429, Headers = new Dictionary<string, string> { [header] = value } });

        var error = await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.CreateVideoAsync(new CreateVideoRequest("Busy")));

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), error.RetryAfter);
        Assert.Equal(0, emulator.Server.JobsCreated);
    }

    [Fact]
    public async Task A_refusal_without_a_delay_has_none()
    {
        await using var emulator = await TestEmulator.StartAsync(maxRetries: 0);
        emulator.Server.Faults.Add(new Fault("POST", "/v1/videos") { Status = 429 });

        var error = await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.CreateVideoAsync(new CreateVideoRequest("Busy")));

        Assert.Null(error.RetryAfter);
    }
}
