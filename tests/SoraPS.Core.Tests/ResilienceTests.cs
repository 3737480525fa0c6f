using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using SoraPS.Emulator;

namespace SoraPS.Core.Tests;

public class ResilienceTests
{
    private const string Key = "sk-test-0123456789abcdef0123456789abcdef";

    [Fact]
    public async Task A_read_is_retried_after_server_errors_and_each_retry_is_told()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var job = await emulator.Client.CreateVideoAsync(new CreateVideoRequest("Retry me"));
        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos/*") { Status = 503, Count = 2, Headers = new Dictionary<string, string> { ["retry-after-ms"] = "10" } });

        var fetched = await emulator.Client.GetVideoAsync(job.Id);

        Assert.Equal(job.Id, fetched.Id);
        Assert.Equal(3, emulator.Server.Requests.Count(r => r.Method == "GET"));
        Assert.Equal(2, emulator.Log.Messages.Count(m => m.Contains("Retrying", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_create_turned_away_with_429_is_retried_and_makes_one_job()
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.Server.Faults.Add(new Fault("POST", "/v1/videos") { Status = 429, Headers = new Dictionary<string, string> { ["retry-after"] = "0.01" } });

        await emulator.Client.CreateVideoAsync(new CreateVideoRequest("Once"));

        Assert.Equal(2, emulator.Server.Requests.Count(r => r.Method == "POST"));
        Assert.Equal(1, emulator.Server.JobsCreated);
    }

    [Fact]
    public async Task A_create_that_fails_with_500_is_not_retried_because_it_may_have_started_a_job()
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.Server.Faults.Add(new Fault("POST", "/v1/videos") { Status = 500 });

        var error = await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.CreateVideoAsync(new CreateVideoRequest("Once")));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Single(emulator.Server.Requests, r => r.Method == "POST");
    }

    [Fact]
    public async Task A_create_whose_connection_breaks_after_sending_is_not_retried()
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.Server.Faults.Add(new Fault("POST", "/v1/videos") { Kind = FaultKind.ResetBeforeHeaders });

        var error = await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.CreateVideoAsync(new CreateVideoRequest("Once")));

        Assert.Null(error.StatusCode);
        Assert.Contains("Get-SoraVideo", error.Message, StringComparison.Ordinal);
        Assert.Single(emulator.Server.Requests, r => r.Method == "POST");
    }

    [Fact]
    public async Task A_spent_quota_is_not_retried()
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos") { Status = 429, Count = 5, Body = """{"error":{"message":"You exceeded your current quota.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}""" });

        var error = await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.ListVideosAsync());

        Assert.Equal("insufficient_quota", error.ErrorCode);
        Assert.Single(emulator.Server.Requests);
    }

    [Fact]
    public async Task X_should_retry_false_overrides_the_status_rule()
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos") { Status = 503, Count = 5, Headers = new Dictionary<string, string> { ["x-should-retry"] = "false" } });

        await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.ListVideosAsync());

        Assert.Single(emulator.Server.Requests);
    }

    [Fact]
    public async Task An_html_page_from_a_proxy_becomes_a_clear_error_quoting_it()
    {
        await using var emulator = await TestEmulator.StartAsync(maxRetries: 0);
        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos") { Status = 502, ContentType = "text/html", Body = "<html><body><h1>502 Bad Gateway</h1></body></html>" });

        var error = await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.ListVideosAsync());

        Assert.Equal(HttpStatusCode.BadGateway, error.StatusCode);
        Assert.Equal(SoraApiException.InvalidResponseType, error.ErrorType);
        Assert.Contains("502 Bad Gateway", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_json_in_a_success_becomes_a_clear_error()
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos") { Status = 200, Body = "{\"object\":\"list\",\"data\":[{\"id\":" });

        var error = await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.ListVideosAsync());

        Assert.Equal("invalid_json", error.ErrorCode);
        Assert.Contains("{\"object\":\"list\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_statuses_fields_and_loose_types_are_kept_as_they_came()
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos/*")
        {
            Status = 200,
            Body = """{"id":"video_x","object":"video","status":"rendering_frames","progress":42.6,"seconds":6,"size":"1920x1080","model":"gemini/veo-3.1-generate-preview","created_at":"1760832369","completed_at":null,"quality":"high","extra":{"nested":[1,2]}}""",
        });

        var video = await emulator.Client.GetVideoAsync("video_x");

        Assert.Equal("rendering_frames", video.Status);
        Assert.False(video.IsFinished);
        Assert.Equal(43, video.Progress);
        Assert.Equal("6", video.Seconds);
        Assert.Equal("gemini/veo-3.1-generate-preview", video.Model);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1760832369), video.CreatedAt);
        Assert.Null(video.CompletedAt);
    }

    [Fact]
    public async Task A_cursor_that_does_not_advance_stops_the_listing_with_an_error()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var page = """{"object":"list","data":[{"id":"video_a","object":"video","status":"completed"}],"first_id":"video_a","last_id":"video_a","has_more":true}""";
        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos") { Status = 200, Body = page, Count = 10 });

        var pages = 0;
        var error = await Assert.ThrowsAsync<SoraApiException>(async () =>
        {
            await foreach (var _ in emulator.Client.ListAllPagesAsync())
            {
                pages++;
            }
        });

        Assert.Equal("cursor_not_advancing", error.ErrorCode);
        Assert.Equal(2, pages);
    }

    [Fact]
    public async Task The_key_is_sent_as_a_bearer_token_and_never_appears_in_errors_or_logs()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.ApiKey = Key, apiKey: "sk-wrong-key-0000000000000000000000");
        await using var right = await TestEmulator.StartAsync(o => o.ApiKey = Key, apiKey: Key);

        var error = await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.ListVideosAsync());
        await right.Client.ListVideosAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal("Bearer " + Key, right.Server.Requests.Single().Headers["Authorization"]);
        Assert.DoesNotContain("sk-wrong-key", error.ToString(), StringComparison.Ordinal);
        Assert.All(emulator.Log.Messages.Concat(right.Log.Messages), m => Assert.DoesNotContain("0123456789abcdef0123456789", m, StringComparison.Ordinal));
        Assert.Contains(right.Log.Messages, m => m.StartsWith("DEBUG:", StringComparison.Ordinal) && m.Contains("Authorization: Bearer sk-****", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_redirect_to_another_origin_drops_the_credentials()
    {
        await using var emulator = await TestEmulator.StartAsync(apiKey: Key);
        await using var elsewhere = await TestEmulator.StartAsync(o => o.SeedCompletedJobs = 1);
        var location = new Uri(elsewhere.Server.BaseUri, "videos").ToString();
        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos") { Status = 307, Headers = new Dictionary<string, string> { ["Location"] = location } });

        var page = await emulator.Client.ListVideosAsync();

        Assert.Single(page.Data);
        var followed = elsewhere.Server.Requests.Single();
        Assert.False(followed.Headers.ContainsKey("Authorization"));
        Assert.Equal("Bearer " + Key, emulator.Server.Requests.Single().Headers["Authorization"]);
    }

    [Fact]
    public async Task A_request_that_gets_no_answer_in_time_is_reported_as_a_timeout()
    {
        await using var emulator = await TestEmulator.StartAsync(maxRetries: 0, requestTimeout: TimeSpan.FromMilliseconds(500));
        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos") { Kind = FaultKind.Stall, StallFor = TimeSpan.FromSeconds(20) });

        var error = await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.ListVideosAsync());

        Assert.Equal("timeout", error.ErrorType);
    }

    [Fact]
    public async Task A_retry_after_given_as_an_http_date_is_honoured()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var when = DateTimeOffset.UtcNow.AddSeconds(2).ToString("r", System.Globalization.CultureInfo.InvariantCulture);
        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos") { Status = 429, Headers = new Dictionary<string, string> { ["Retry-After"] = when } });
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await emulator.Client.ListVideosAsync();

        Assert.Equal(2, emulator.Server.Requests.Count);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.8), $"waited only {clock.Elapsed}");
        Assert.Contains(emulator.Log.Messages, m => m.Contains("429", StringComparison.Ordinal) && m.Contains("Retrying in", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_read_whose_connection_resets_before_the_answer_is_retried()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.SeedCompletedJobs = 2);
        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos") { Kind = FaultKind.ResetBeforeHeaders });

        var page = await emulator.Client.ListVideosAsync();

        Assert.Equal(2, page.Data.Count);
        Assert.Equal(2, emulator.Server.Requests.Count);
    }

    [Fact]
    public async Task A_create_whose_connection_was_never_made_is_retried()
    {
        // A port nothing listens on: the connection is refused before any request is sent.
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var log = new RecordingDiagnostics();
        var client = new SoraClient(new SoraConnection(new SoraConnectionOptions { BaseUri = new Uri($"http://127.0.0.1:{port}/v1") }), log);

        var error = await Assert.ThrowsAsync<SoraApiException>(() => client.CreateVideoAsync(new CreateVideoRequest("Never arrives")));

        Assert.Null(error.StatusCode);
        Assert.Equal(2, log.Messages.Count(m => m.Contains("Retrying", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("https://api.example.com/v1/", "http://api.example.com/v1/x", false)]
    [InlineData("https://api.example.com/v1/", "https://cdn.example.net/x", true)]
    [InlineData("http://127.0.0.1:5080/v1/", "http://127.0.0.1:5081/x", true)]
    public void Redirects_never_downgrade_from_https(string from, string to, bool allowed)
    {
        Assert.Equal(allowed, SoraPS.Core.Http.RedirectPolicy.MayFollow(new Uri(from), new Uri(to)));
    }

    [Theory]
    [InlineData("https://api.example.com/v1/", "https://api.example.com/other", true)]
    [InlineData("https://api.example.com/v1/", "https://cdn.example.com/v1/x", false)]
    [InlineData("https://api.example.com/v1/", "https://api.example.com:8443/v1/x", false)]
    [InlineData("http://127.0.0.1:5080/v1/", "https://127.0.0.1:5080/v1/x", false)]
    public void Only_the_configured_origin_keeps_the_credentials(string baseUri, string to, bool keeps)
    {
        Assert.Equal(keeps, SoraPS.Core.Http.RedirectPolicy.KeepsCredentials(new Uri(to), new Uri(baseUri)));
    }

    [Fact]
    public async Task Each_retry_gets_the_whole_timeout()
    {
        // Two stalls of 0.6 s against a 1 s timeout: only a per-attempt timeout lets the third attempt finish.
        await using var emulator = await TestEmulator.StartAsync(requestTimeout: TimeSpan.FromSeconds(1));
        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos") { Status = 503, Count = 2, Headers = new Dictionary<string, string> { ["retry-after-ms"] = "600" } });

        var page = await emulator.Client.ListVideosAsync();

        Assert.NotNull(page);
        Assert.Equal(3, emulator.Server.Requests.Count);
    }

    [Fact]
    public async Task A_download_whose_answer_never_starts_times_out()
    {
        await using var emulator = await TestEmulator.StartAsync(maxRetries: 0, requestTimeout: TimeSpan.FromMilliseconds(500));
        var video = await emulator.CompletedVideoAsync();
        using var folder = new TempFolder();
        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos/*/content") { Kind = FaultKind.StallBeforeHeaders, StallFor = TimeSpan.FromSeconds(20) });

        var error = await Assert.ThrowsAsync<SoraApiException>(() =>
            new ContentDownloader(emulator.Client).DownloadAsync(video.Id, VideoVariant.Video, DownloadTarget.Folder(folder.Path), overwrite: false));

        Assert.Equal("timeout", error.ErrorType);
        Assert.Empty(folder.Files());
    }
}
