using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using SoraPS.Emulator;

namespace SoraPS.Core.Tests;

/// <summary>
/// The client against the emulator playing LiteLLM's proxy in front of OpenAI, Veo and Runway
/// (GATEWAYS.md), over real HTTP: each class of gateway behaviour, end to end.
/// </summary>
public class GatewayProfileTests
{
    public static TheoryData<EmulatorProfile> LiteLlmProfiles => new()
    {
        EmulatorProfile.LiteLlmOpenAi,
        EmulatorProfile.LiteLlmGemini,
        EmulatorProfile.LiteLlmRunway,
    };

    [Theory]
    [MemberData(nameof(LiteLlmProfiles))]
    public async Task Long_base64_ids_with_slashes_and_pluses_work_everywhere_and_get_files_of_their_own(EmulatorProfile profile)
    {
        await using var emulator = await StartAsync(profile);
        var jobs = new List<SoraVideo>();
        for (var i = 0; i < 3; i++)
        {
            jobs.Add(await emulator.Client.CreateVideoAsync(new CreateVideoRequest($"Clip {i}") { Model = Model(profile), Size = "1280x720", Seconds = "8" }));
        }

        using var folder = new TempFolder();
        var downloader = new ContentDownloader(emulator.Client);
        var files = new List<FileInfo>();
        await foreach (var update in new VideoWaiter(emulator.Client).WaitAsync(jobs, TestEmulator.QuickWait()))
        {
            Assert.True(update.Kind is WaitUpdateKind.Progress or WaitUpdateKind.Finished, $"{update.Kind}: {update.Error?.Message}");
            if (update.Kind == WaitUpdateKind.Finished)
            {
                Assert.True(update.Video!.IsCompleted, update.Video.Status);
                files.Add(await downloader.DownloadAsync(update.VideoId, VideoVariant.Video, DownloadTarget.Folder(folder.Path), new DownloadOptions()));
            }
        }

        Assert.Contains(jobs, j => j.Id.Contains('+', StringComparison.Ordinal));
        Assert.Contains(jobs, j => j.Id.Contains('/', StringComparison.Ordinal));
        Assert.All(jobs, j => Assert.True(j.Id.Length >= 120, j.Id));
        Assert.Equal(3, files.Select(f => f.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(files, f => Assert.Equal("ftyp", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(f.FullName), 4, 4)));
        Assert.All(files, f => Assert.True(f.Name.IndexOfAny(['/', '\\', ':', '*', '?', '"', '<', '>', '|', '+', '=']) < 0, f.Name));
        Assert.Equal(3, folder.Files().Length);
        foreach (var job in jobs)
        {
            Assert.Equal(job.Id, (await emulator.Client.GetVideoAsync(job.Id)).Id);
        }
    }

    [Fact]
    public async Task A_video_sent_for_every_variant_is_saved_as_what_it_is_with_a_warning()
    {
        await using var emulator = await StartAsync(EmulatorProfile.LiteLlmGemini);
        var video = await emulator.CompletedVideoAsync("A kite");
        using var folder = new TempFolder();
        var downloader = new ContentDownloader(emulator.Client);

        var thumbnail = await downloader.DownloadAsync(video.Id, VideoVariant.Thumbnail, DownloadTarget.Folder(folder.Path), new DownloadOptions());
        var spritesheet = await downloader.DownloadAsync(video.Id, VideoVariant.Spritesheet, DownloadTarget.Folder(folder.Path), new DownloadOptions());

        Assert.EndsWith(".thumbnail.mp4", thumbnail.Name, StringComparison.Ordinal);
        Assert.EndsWith(".spritesheet.mp4", spritesheet.Name, StringComparison.Ordinal);
        Assert.Equal(2, emulator.Log.Messages.Count(m => m.StartsWith("WARNING:", StringComparison.Ordinal) && m.Contains("a video (MP4) when asked for the", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_image_labelled_video_mp4_is_saved_as_the_image_it_is()
    {
        await using var emulator = await StartAsync(EmulatorProfile.LiteLlmOpenAi);
        var video = await emulator.CompletedVideoAsync("A kite");
        using var folder = new TempFolder();

        var thumbnail = await new ContentDownloader(emulator.Client).DownloadAsync(video.Id, VideoVariant.Thumbnail, DownloadTarget.Folder(folder.Path), new DownloadOptions());

        Assert.EndsWith(".thumbnail.webp", thumbnail.Name, StringComparison.Ordinal);
        Assert.Equal("WEBP", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(thumbnail.FullName), 8, 4));
        Assert.DoesNotContain(emulator.Log.Messages, m => m.StartsWith("WARNING:", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(LiteLlmProfiles))]
    public async Task A_download_that_is_an_error_with_status_200_writes_nothing_and_replaces_nothing(EmulatorProfile profile)
    {
        await using var emulator = await StartAsync(profile);
        var video = await emulator.CompletedVideoAsync("Broken download #content_error");
        using var folder = new TempFolder();
        var existing = Path.Combine(folder.Path, ContentFileNames.For(video.Id, VideoVariant.Video, "video/mp4"));
        await File.WriteAllTextAsync(existing, "the good one");

        var error = await Assert.ThrowsAsync<SoraApiException>(() => new ContentDownloader(emulator.Client).DownloadAsync(
            video.Id, VideoVariant.Video, DownloadTarget.Folder(folder.Path), new DownloadOptions { Overwrite = true }));

        Assert.Equal("error_body", error.ErrorCode);
        Assert.Contains("Failed to fetch video content", error.Message, StringComparison.Ordinal);
        Assert.Equal("the good one", await File.ReadAllTextAsync(existing));
        Assert.Equal([existing], folder.Files());
    }

    [Fact]
    public async Task A_job_veo_never_fails_keeps_processing_until_the_time_limit_with_empty_fields()
    {
        await using var emulator = await StartAsync(EmulatorProfile.LiteLlmGemini);
        var job = await emulator.Client.CreateVideoAsync(new CreateVideoRequest("Blocked #moderation_blocked") { Model = "gemini/veo-3.1-generate-preview" });

        var updates = new List<WaitUpdate>();
        await foreach (var update in new VideoWaiter(emulator.Client).WaitAsync([job], TestEmulator.QuickWait(TimeSpan.FromSeconds(1.5))))
        {
            updates.Add(update);
        }

        var last = updates.Last();
        Assert.Equal(WaitUpdateKind.TimedOut, last.Kind);
        Assert.Equal("processing", last.Video!.Status);
        Assert.Null(last.Video.Progress);
        Assert.Null(last.Video.Model);
        Assert.Null(last.Video.CreatedAt);
        Assert.Null(last.Video.Prompt);
    }

    [Fact]
    public async Task A_runway_job_that_ends_cancelled_ends_the_wait_at_once()
    {
        await using var emulator = await StartAsync(EmulatorProfile.LiteLlmRunway);
        var job = await emulator.Client.CreateVideoAsync(new CreateVideoRequest("Stopped #cancelled") { Model = "runwayml/gen4_turbo" });

        var updates = new List<WaitUpdate>();
        await foreach (var update in new VideoWaiter(emulator.Client).WaitAsync([job], TestEmulator.QuickWait(TimeSpan.FromSeconds(30))))
        {
            updates.Add(update);
        }

        var last = Assert.Single(updates, u => u.Kind != WaitUpdateKind.Progress);
        Assert.Equal(WaitUpdateKind.Finished, last.Kind);
        Assert.Equal(VideoStatus.Cancelled, last.Video!.Status);
        Assert.True(last.Video.IsFailed);
    }

    [Theory]
    [MemberData(nameof(LiteLlmProfiles))]
    public async Task Deleting_is_not_offered_and_not_asked_twice(EmulatorProfile profile)
    {
        await using var emulator = await StartAsync(profile);
        var video = await emulator.CompletedVideoAsync("Keep me");
        emulator.Server.ClearRequests();

        var error = await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.DeleteVideoAsync(video.Id));

        Assert.True(error.IsNotSupported);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, error.StatusCode);
        Assert.Contains("does not offer deleting video jobs", error.Message, StringComparison.Ordinal);
        Assert.Contains("Method Not Allowed", error.Message, StringComparison.Ordinal);
        Assert.Single(emulator.Server.Requests);
    }

    [Theory]
    [InlineData(EmulatorProfile.LiteLlmGemini)]
    [InlineData(EmulatorProfile.LiteLlmRunway)]
    public async Task Listing_is_not_offered_and_waiting_on_many_jobs_retrieves_each(EmulatorProfile profile)
    {
        await using var emulator = await StartAsync(profile);
        var error = await Assert.ThrowsAsync<SoraApiException>(async () =>
        {
            await foreach (var page in emulator.Client.ListAllPagesAsync())
            {
                Assert.Fail("no page was expected");
            }
        });
        Assert.True(error.IsNotSupported);
        Assert.Contains("NotImplementedError", error.Message, StringComparison.Ordinal);

        var jobs = new List<SoraVideo>();
        for (var i = 0; i < 6; i++)
        {
            jobs.Add(await emulator.Client.CreateVideoAsync(new CreateVideoRequest("Many " + i) { Model = Model(profile) }));
        }

        emulator.Server.ClearRequests();
        var finished = 0;
        await foreach (var update in new VideoWaiter(emulator.Client).WaitAsync(jobs.Select(j => new SoraVideo { Id = j.Id }), TestEmulator.QuickWait()))
        {
            finished += update.Kind == WaitUpdateKind.Finished && update.Video!.IsCompleted ? 1 : 0;
        }

        Assert.Equal(6, finished);
        Assert.Single(emulator.Server.Requests, r => r.Method == "GET" && r.Path == "/v1/videos");
    }

    [Fact]
    public async Task Listing_through_litellm_pages_by_its_raw_cursors_and_returns_every_job_once()
    {
        await using var emulator = await StartAsync(EmulatorProfile.LiteLlmOpenAi);
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await emulator.Client.CreateVideoAsync(new CreateVideoRequest("Listed " + i))).Id);
        }

        var listed = new List<string>();
        await foreach (var page in emulator.Client.ListAllPagesAsync(new ListVideosQuery { Limit = 2 }))
        {
            listed.AddRange(page.Data.Select(v => v.Id));
        }

        Assert.Equal(created.OrderBy(i => i, StringComparer.Ordinal), listed.OrderBy(i => i, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Remixing_on_veo_is_not_offered()
    {
        await using var emulator = await StartAsync(EmulatorProfile.LiteLlmGemini);
        var video = await emulator.CompletedVideoAsync("Source");

        var error = await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.RemixVideoAsync(video.Id, "Again"));

        Assert.True(error.IsNotSupported);
        Assert.Contains("does not offer remixing videos", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(LiteLlmProfiles))]
    public async Task An_upstream_4xx_wrapped_as_a_500_is_quoted_and_is_not_taken_for_a_missing_route(EmulatorProfile profile)
    {
        await using var emulator = await StartAsync(profile);

        var error = await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.GetVideoAsync("video_bm90IGEgcmVhbCBqb2I="));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.False(error.IsNotSupported);
        Assert.Equal("500", error.ErrorCode);
        Assert.Contains("litellm.APIConnectionError", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(LiteLlmProfiles))]
    public async Task An_error_through_litellm_quotes_the_proxys_call_id(EmulatorProfile profile)
    {
        await using var emulator = await StartAsync(profile);

        var error = await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.GetVideoAsync("video_bm90IGEgcmVhbCBqb2I="));

        Assert.True(Guid.TryParseExact(error.RequestId, "D", out _), $"request id {error.RequestId ?? "(none)"} is not LiteLLM's call id");
        Assert.Contains("request id " + error.RequestId, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_litellm_key_is_asked_for_with_advice_when_none_was_given()
    {
        await using var emulator = await StartAsync(EmulatorProfile.LiteLlmOpenAi, o => o.ApiKey = "sk-litellm-master");

        var error = await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.ListVideosAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Contains("Authentication Error", error.Message, StringComparison.Ordinal);
        Assert.Contains("Connect-Sora -ApiKey", error.Message, StringComparison.Ordinal);
    }

    private static string Model(EmulatorProfile profile) => profile switch
    {
        EmulatorProfile.LiteLlmGemini => "gemini/veo-3.1-generate-preview",
        EmulatorProfile.LiteLlmRunway => "runwayml/gen4_turbo",
        _ => "sora-2",
    };

    private static Task<TestEmulator> StartAsync(EmulatorProfile profile, Action<EmulatorOptions>? configure = null) =>
        TestEmulator.StartAsync(
            o =>
            {
                o.Profile = profile;
                configure?.Invoke(o);
            },
            maxRetries: 0);
}
