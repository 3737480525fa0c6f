using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using SoraPS.Emulator.Tests.Support;

namespace SoraPS.Emulator.Tests;

public sealed class FaultTests
{
    [Fact]
    public async Task Respond_answers_instead_of_the_handler_for_Count_requests()
    {
        await using var server = await Api.StartAsync();
        using var client = Api.Client(server);
        server.Faults.Add(new Fault("POST", "/v1/videos")
        {
            Count = 2,
            Status = 429,
            Headers = new Dictionary<string, string> { ["Retry-After"] = "2" },
        });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.PostAsync("videos", Api.Json("""{"prompt":"x"}"""));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter!.Delta);
                Api.AssertError(await Api.ReadJsonAsync(response), null, "rate_limit_exceeded", type: "requests");
            }
        }

        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.OK], statuses);
        Assert.Equal(1, server.JobsCreated);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task Respond_can_send_any_body_and_content_type()
    {
        await using var server = await Api.StartAsync();
        using var client = Api.Client(server);
        server.Faults.Add(new Fault("GET", "/v1/videos") { Status = 502, Body = "<html>Bad gateway</html>", ContentType = "text/html" });

        using var response = await client.GetAsync("videos");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("<html>Bad gateway</html>", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_pattern_star_stands_for_one_segment_and_also_matches_under_openai()
    {
        await using var server = await Api.StartAsync(seed: 1);
        using var client = Api.Client(server);
        using var azure = new HttpClient { BaseAddress = new Uri(server.RootUri, "openai/v1/") };
        var id = server.JobIds.Single();
        server.Faults.Add(new Fault("GET", "/v1/videos/*") { Status = 503, Count = 2 });

        using var content = await client.GetAsync($"videos/{id}/content?variant=thumbnail");
        using var viaAzure = await azure.GetAsync($"videos/{id}");
        using var retrieve = await client.GetAsync($"videos/{id}");
        using var after = await client.GetAsync($"videos/{id}");

        Assert.Equal(HttpStatusCode.OK, content.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, viaAzure.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, retrieve.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task ResetBeforeHeaders_makes_the_client_throw_and_creates_no_job()
    {
        await using var server = await Api.StartAsync();
        using var client = Api.Client(server);
        server.Faults.Add(new Fault("POST", "/v1/videos") { Kind = FaultKind.ResetBeforeHeaders });

        await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync("videos", Api.Json("""{"prompt":"x"}""")));

        Assert.Equal(0, server.JobsCreated);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Truncate_delivers_fewer_bytes_than_the_Content_Length()
    {
        await using var server = await Api.StartAsync(seed: 1);
        using var client = Api.Client(server);
        server.Faults.Add(new Fault("GET", "/v1/videos/*/content") { Kind = FaultKind.Truncate, AfterBytes = 1000 });

        using var response = await client.GetAsync($"videos/{server.JobIds.Single()}/content", HttpCompletionOption.ResponseHeadersRead);
        var (received, failed) = await DrainAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Content.Headers.ContentLength > 1000);
        Assert.Equal(1000, received);
        Assert.True(failed, "the short body should end in an error on the client");
    }

    [Fact]
    public async Task ResetMidBody_breaks_the_connection_after_AfterBytes()
    {
        await using var server = await Api.StartAsync(seed: 1);
        using var client = Api.Client(server);
        var id = server.JobIds.Single();
        server.Faults.Add(new Fault("GET", "/v1/videos/*") { Kind = FaultKind.ResetMidBody, AfterBytes = 10 });

        using var response = await client.GetAsync($"videos/{id}", HttpCompletionOption.ResponseHeadersRead);
        var (received, failed) = await DrainAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Content.Headers.ContentLength > 10);
        Assert.True(failed);
        Assert.True(received <= 10);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"videos/{id}")).StatusCode);
    }

    [Fact]
    public async Task Stall_delivers_AfterBytes_then_nothing_then_the_rest()
    {
        await using var server = await Api.StartAsync(seed: 1);
        using var client = Api.Client(server);
        var path = $"videos/{server.JobIds.Single()}/content?variant=thumbnail";
        var expected = await client.GetByteArrayAsync(path);
        server.Faults.Add(new Fault("GET", "/v1/videos/*/content") { Kind = FaultKind.Stall, AfterBytes = 20, StallFor = TimeSpan.FromSeconds(1.5) });

        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var first = new byte[20];
        await body.ReadExactlyAsync(first);
        var next = new byte[1];
        var pending = body.ReadAsync(next).AsTask();
        var stalled = await Task.WhenAny(pending, Task.Delay(700)) != pending;
        await pending;
        using var rest = new MemoryStream();
        rest.Write(first);
        rest.Write(next);
        await body.CopyToAsync(rest);

        Assert.True(stalled, "nothing should arrive during the stall");
        Assert.Equal(expected, rest.ToArray());
    }

    [Fact]
    public async Task StallBeforeHeaders_sends_nothing_until_the_stall_ends()
    {
        await using var server = await Api.StartAsync(seed: 1);
        using var client = Api.Client(server);
        server.Faults.Add(new Fault("GET", "/v1/videos") { Kind = FaultKind.StallBeforeHeaders, StallFor = TimeSpan.FromSeconds(1.5) });

        var pending = client.GetAsync("videos", HttpCompletionOption.ResponseHeadersRead);
        var stalled = await Task.WhenAny(pending, Task.Delay(700)) != pending;
        using var response = await pending;

        Assert.True(stalled, "no headers should arrive during the stall");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Control_routes_arm_faults_read_requests_and_seed_over_http()
    {
        await using var server = await Api.StartAsync();
        using var control = new HttpClient { BaseAddress = server.RootUri };
        using var client = Api.Client(server);

        using var armed = await control.PostAsync("_emulator/faults", Api.Json(
            """{"method":"GET","pathPattern":"/v1/videos","kind":"respond","status":503,"headers":{"Retry-After":"1"},"count":1}"""));
        using var faulted = await client.GetAsync("videos");
        var requests = await Api.ReadJsonAsync(await control.GetAsync("_emulator/requests"));
        using var cleared = await control.DeleteAsync("_emulator/requests");
        var seeded = await Api.ReadJsonAsync(await control.PostAsync("_emulator/seed", Api.Json("""{"count":3}""")));
        using var armedAgain = await control.PostAsync("_emulator/faults", Api.Json("""{"method":"*","pathPattern":"/v1/videos","kind":"resetBeforeHeaders"}"""));
        using var disarmed = await control.DeleteAsync("_emulator/faults");
        using var listed = await client.GetAsync("videos");
        var stats = await Api.ReadJsonAsync(await control.GetAsync("_emulator/stats"));
        using var badFault = await control.PostAsync("_emulator/faults", Api.Json("""{"pathPattern":"/v1/videos"}"""));

        Assert.Equal(HttpStatusCode.NoContent, armed.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, faulted.StatusCode);
        Assert.Equal("1", faulted.Headers.GetValues("Retry-After").Single());
        var recorded = Assert.Single(requests.EnumerateArray());
        Assert.Equal("GET", recorded.GetProperty("method").GetString());
        Assert.Equal("/v1/videos", recorded.GetProperty("path").GetString());
        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        Assert.Equal(3, seeded.GetProperty("jobs").GetInt32());
        Assert.Equal(HttpStatusCode.NoContent, armedAgain.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, disarmed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal(0, stats.GetProperty("jobsCreated").GetInt32());
        Assert.Equal(3, stats.GetProperty("jobs").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, badFault.StatusCode);
        Assert.Single(server.Requests);
    }

    /// <summary>Reads a body to its end; returns the bytes that arrived and whether reading failed.</summary>
    private static async Task<(long Received, bool Failed)> DrainAsync(HttpResponseMessage response)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
        var buffer = new byte[4096];
        long received = 0;
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received += read;
            }

            return (received, false);
        }
        catch (IOException)
        {
            return (received, true);
        }
        catch (HttpRequestException)
        {
            return (received, true);
        }
    }
}
