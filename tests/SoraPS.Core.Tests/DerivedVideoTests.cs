using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using SoraPS.Emulator;

namespace SoraPS.Core.Tests;

/// <summary>Edits, extensions and characters, over real HTTP against the emulator and checked against the contract.</summary>
public class DerivedVideoTests
{
    private static readonly byte[] TinyPng = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    [Fact]
    public async Task An_edit_of_a_job_sends_json_with_the_prompt_and_a_video_reference()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var source = await CompletedAsync(emulator, "A harbour at noon", seconds: "8", size: "1280x720");
        emulator.Server.ClearRequests();

        var edit = await emulator.Client.EditVideoAsync(source.Id, "The same harbour in a snowstorm");

        Assert.StartsWith("video_", edit.Id);
        Assert.NotEqual(source.Id, edit.Id);
        Assert.Equal("queued", edit.Status);
        Assert.Equal("The same harbour in a snowstorm", edit.Prompt);
        Assert.Equal("8", edit.Seconds);
        Assert.Equal("1280x720", edit.Size);
        var request = Assert.Single(emulator.Server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/videos/edits", request.Path);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        using var body = JsonDocument.Parse(request.JsonBody!);
        Assert.Equal(new[] { "prompt", "video" }, PropertyNames(body.RootElement));
        Assert.Equal("The same harbour in a snowstorm", body.RootElement.GetProperty("prompt").GetString());
        var video = body.RootElement.GetProperty("video");
        Assert.Equal(new[] { "id" }, PropertyNames(video));
        Assert.Equal(source.Id, video.GetProperty("id").GetString());
        Assert.Equal(2, emulator.Server.JobsCreated);
    }

    [Fact]
    public async Task An_edit_of_an_uploaded_video_sends_multipart_with_a_typed_video_part()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var folder = new TempFolder();
        var clip = await SampleMp4Async(emulator, folder, "my clip.mp4");
        emulator.Server.ClearRequests();

        var edit = await emulator.Client.EditVideoAsync(clip, "Make it black and white");

        Assert.Equal("queued", edit.Status);
        Assert.Equal("Make it black and white", edit.Prompt);
        Assert.Equal("4", edit.Seconds);
        var request = Assert.Single(emulator.Server.Requests);
        Assert.Equal("/v1/videos/edits", request.Path);
        Assert.StartsWith("multipart/form-data", request.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Null(request.JsonBody);
        Assert.Equal(new string?[] { "prompt", "video" }, request.Parts.Select(p => p.Name).ToArray());
        var prompt = request.Parts[0];
        Assert.Contains("name=\"prompt\"", prompt.ContentDisposition, StringComparison.Ordinal);
        Assert.Null(prompt.FileName);
        Assert.Equal(Encoding.UTF8.GetByteCount("Make it black and white"), prompt.Length);
        var video = request.Parts[1];
        Assert.Equal("video/mp4", video.ContentType);
        Assert.Equal("my clip.mp4", video.FileName);
        Assert.Contains("name=\"video\"", video.ContentDisposition, StringComparison.Ordinal);
        Assert.Contains("filename=\"my clip.mp4\"", video.ContentDisposition, StringComparison.Ordinal);
        Assert.Equal(clip.Length, video.Length);
    }

    [Fact]
    public async Task An_extension_sends_seconds_as_a_string_and_the_new_job_is_the_stitched_total()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var source = await CompletedAsync(emulator, "A kite over a beach", seconds: "8", size: "720x1280");
        emulator.Server.ClearRequests();

        var extension = await emulator.Client.ExtendVideoAsync(source.Id, "The kite string snaps", " 4 ");

        Assert.Equal("queued", extension.Status);
        Assert.Equal("12", extension.Seconds);
        Assert.Equal("720x1280", extension.Size);
        Assert.Equal("The kite string snaps", extension.Prompt);
        var request = Assert.Single(emulator.Server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/videos/extensions", request.Path);
        using var body = JsonDocument.Parse(request.JsonBody!);
        Assert.Equal(new[] { "prompt", "seconds", "video" }, PropertyNames(body.RootElement).OrderBy(n => n, StringComparer.Ordinal));
        var seconds = body.RootElement.GetProperty("seconds");
        Assert.Equal(JsonValueKind.String, seconds.ValueKind);
        Assert.Equal("4", seconds.GetString());
        Assert.Equal(source.Id, body.RootElement.GetProperty("video").GetProperty("id").GetString());

        var finished = await WaitAsync(emulator, extension);
        Assert.True(finished.IsCompleted);
        Assert.Equal("12", finished.Seconds);
    }

    [Fact]
    public async Task An_extension_or_edit_of_a_job_that_is_not_completed_is_refused_by_the_server()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var running = await emulator.Client.CreateVideoAsync(new CreateVideoRequest("Still rendering #render=60"));

        var extension = await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.ExtendVideoAsync(running.Id, "Later", "4"));
        var edit = await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.EditVideoAsync(running.Id, "Sooner"));

        Assert.Equal(HttpStatusCode.BadRequest, extension.StatusCode);
        Assert.Equal("video_not_ready", extension.ErrorCode);
        Assert.Equal("invalid_request_error", extension.ErrorType);
        Assert.False(string.IsNullOrEmpty(extension.RequestId));
        Assert.Equal(HttpStatusCode.BadRequest, edit.StatusCode);
        Assert.Equal("video_not_ready", edit.ErrorCode);
        Assert.Equal(1, emulator.Server.JobsCreated);
        Assert.Single(emulator.Server.Requests, r => r.Path == "/v1/videos/extensions");
    }

    [Fact]
    public async Task An_unknown_source_job_is_a_404()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var error = await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.ExtendVideoAsync("video_missing", "Go on", "4"));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal("video_not_found", error.ErrorCode);
    }

    [Fact]
    public async Task A_character_is_created_from_an_uploaded_video_and_read_back_by_id()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var folder = new TempFolder();
        var clip = await SampleMp4Async(emulator, folder, "captain.mp4");
        emulator.Server.ClearRequests();
        var jobsBefore = emulator.Server.JobsCreated;
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);

        var created = await emulator.Client.CreateCharacterAsync("Captain Calico", clip);
        var fetched = await emulator.Client.GetCharacterAsync(created.Id!);

        Assert.StartsWith("char_", created.Id, StringComparison.Ordinal);
        Assert.Equal("Captain Calico", created.Name);
        Assert.Equal(TimeSpan.Zero, created.CreatedAt!.Value.Offset);
        Assert.InRange(created.CreatedAt.Value, before, DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.Equal(created.Id, fetched.Id);
        Assert.Equal("Captain Calico", fetched.Name);
        Assert.Equal(created.CreatedAt, fetched.CreatedAt);

        var post = emulator.Server.Requests[0];
        Assert.Equal("POST", post.Method);
        Assert.Equal("/v1/videos/characters", post.Path);
        Assert.Equal(new string?[] { "name", "video" }, post.Parts.Select(p => p.Name).ToArray());
        Assert.Contains("name=\"name\"", post.Parts[0].ContentDisposition, StringComparison.Ordinal);
        Assert.Equal("video/mp4", post.Parts[1].ContentType);
        Assert.Contains("name=\"video\"", post.Parts[1].ContentDisposition, StringComparison.Ordinal);
        Assert.Contains("filename=\"captain.mp4\"", post.Parts[1].ContentDisposition, StringComparison.Ordinal);
        Assert.Equal(clip.Length, post.Parts[1].Length);
        var get = emulator.Server.Requests[1];
        Assert.Equal("GET", get.Method);
        Assert.Equal("/v1/videos/characters/" + created.Id, get.Path);
        Assert.Equal(jobsBefore, emulator.Server.JobsCreated);
    }

    [Fact]
    public async Task An_unknown_character_is_a_404_and_its_id_cannot_change_the_path()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var error = await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.GetCharacterAsync("char_missing/../../videos"));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal("character_not_found", error.ErrorCode);
        Assert.Equal("/v1/videos/characters/char_missing%2F..%2F..%2Fvideos", emulator.Server.Requests.Single().Path);
    }

    [Theory]
    [InlineData("clip.mov", "ftyp-qt", "video/quicktime")]
    [InlineData("clip.mov", "moov", "video/quicktime")]
    [InlineData("clip.m4v", "ftyp-isom", "video/mp4")]
    [InlineData("clip.webm", "webm", "video/webm")]
    [InlineData("clip.bin", "webm", "video/webm")]
    public async Task An_upload_carries_the_content_type_of_its_container(string fileName, string header, string expected)
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var folder = new TempFolder();
        var file = Path.Combine(folder.Path, fileName);
        await File.WriteAllBytesAsync(file, VideoHeader(header));

        await emulator.Client.CreateCharacterAsync("Typed", new FileInfo(file));

        Assert.Equal(expected, emulator.Server.Requests.Single().Parts.Single(p => p.Name == "video").ContentType);
        Assert.Equal(expected, InputValidation.VideoFile(file));
    }

    [Theory]
    [InlineData("edit: empty prompt", "prompt is empty")]
    [InlineData("edit: blank id", "video id is empty")]
    [InlineData("edit: prompt too long", "at most 32000")]
    [InlineData("edit: missing file", "does not exist")]
    [InlineData("edit: folder", "is a folder")]
    [InlineData("edit: image instead of video", "not an MP4, QuickTime (.mov) or WebM video")]
    [InlineData("edit: Matroska", "not an MP4, QuickTime (.mov) or WebM video")]
    [InlineData("edit: empty file", "not an MP4, QuickTime (.mov) or WebM video")]
    [InlineData("extend: no seconds", "has no length")]
    [InlineData("extend: blank seconds", "has no length")]
    [InlineData("extend: words", "positive whole number")]
    [InlineData("extend: negative", "positive whole number")]
    [InlineData("extend: blank id", "video id is empty")]
    [InlineData("extend: empty prompt", "prompt is empty")]
    [InlineData("character: empty name", "character name is empty")]
    [InlineData("character: long name", "at most 80")]
    [InlineData("character: missing file", "does not exist")]
    [InlineData("character: text file", "not an MP4, QuickTime (.mov) or WebM video")]
    [InlineData("get character: blank id", "character id is empty")]
    public async Task Bad_input_is_refused_before_anything_is_sent(string scenario, string expected)
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var folder = new TempFolder();
        var mp4 = WriteFile(folder, "ok.mp4", VideoHeader("ftyp-isom"));
        var png = WriteFile(folder, "frame.mp4", TinyPng);
        var mkv = WriteFile(folder, "clip.webm", VideoHeader("matroska"));
        var empty = WriteFile(folder, "empty.mp4", []);
        var text = WriteFile(folder, "notes.mp4", Encoding.ASCII.GetBytes("not a video at all, just some words"));
        var missing = new FileInfo(Path.Combine(folder.Path, "missing.mp4"));
        var client = emulator.Client;

        Func<Task> call = scenario switch
        {
            "edit: empty prompt" => () => client.EditVideoAsync("video_1", " "),
            "edit: blank id" => () => client.EditVideoAsync(" ", "ok"),
            "edit: prompt too long" => () => client.EditVideoAsync("video_1", new string('x', 32001)),
            "edit: missing file" => () => client.EditVideoAsync(missing, "ok"),
            "edit: folder" => () => client.EditVideoAsync(new FileInfo(folder.Path), "ok"),
            "edit: image instead of video" => () => client.EditVideoAsync(png, "ok"),
            "edit: Matroska" => () => client.EditVideoAsync(mkv, "ok"),
            "edit: empty file" => () => client.EditVideoAsync(empty, "ok"),
            "extend: no seconds" => () => client.ExtendVideoAsync("video_1", "ok", null!),
            "extend: blank seconds" => () => client.ExtendVideoAsync("video_1", "ok", " "),
            "extend: words" => () => client.ExtendVideoAsync("video_1", "ok", "four"),
            "extend: negative" => () => client.ExtendVideoAsync("video_1", "ok", "-4"),
            "extend: blank id" => () => client.ExtendVideoAsync("", "ok", "4"),
            "extend: empty prompt" => () => client.ExtendVideoAsync("video_1", "", "4"),
            "character: empty name" => () => client.CreateCharacterAsync("  ", mp4),
            "character: long name" => () => client.CreateCharacterAsync(new string('n', 81), mp4),
            "character: missing file" => () => client.CreateCharacterAsync("Name", missing),
            "character: text file" => () => client.CreateCharacterAsync("Name", text),
            "get character: blank id" => () => client.GetCharacterAsync(" "),
            _ => throw new ArgumentOutOfRangeException(nameof(scenario), scenario, null),
        };

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(call);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Empty(emulator.Server.Requests);
    }

    [Fact]
    public async Task A_name_of_exactly_80_characters_is_accepted()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var folder = new TempFolder();
        var name = new string('n', InputValidation.MaxCharacterNameLength);

        var character = await emulator.Client.CreateCharacterAsync(name, WriteFile(folder, "ok.mp4", VideoHeader("ftyp-isom")));

        Assert.Equal(name, character.Name);
    }

    [Fact]
    public async Task A_rate_limited_upload_is_sent_again_whole_and_starts_one_job()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var folder = new TempFolder();
        var clip = await SampleMp4Async(emulator, folder, "again.mp4");
        emulator.Server.ClearRequests();
        var jobsBefore = emulator.Server.JobsCreated;
        emulator.Server.Faults.Add(new Fault("POST", "/v1/videos/edits")
        {
            Count = 1,
            Status = 429,
            Headers = new Dictionary<string, string> { ["Retry-After"] = "0" },
        });

        var edit = await emulator.Client.EditVideoAsync(clip, "Once more");

        Assert.Equal("queued", edit.Status);
        Assert.Equal(jobsBefore + 1, emulator.Server.JobsCreated);
        var attempts = emulator.Server.Requests.Where(r => r.Path == "/v1/videos/edits").ToList();
        Assert.Equal(2, attempts.Count);
        Assert.All(attempts, a => Assert.Equal(clip.Length, a.Parts.Single(p => p.Name == "video").Length));
    }

    [Fact]
    public async Task A_server_error_on_an_extension_is_reported_not_retried()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var source = await emulator.CompletedVideoAsync();
        emulator.Server.ClearRequests();
        emulator.Server.Faults.Add(new Fault("POST", "/v1/videos/extensions") { Count = 1, Status = 500 });

        var error = await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.ExtendVideoAsync(source.Id, "Go on", "4"));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Single(emulator.Server.Requests);
    }

    private static async Task<SoraVideo> CompletedAsync(TestEmulator emulator, string prompt, string seconds, string size)
    {
        var created = await emulator.Client.CreateVideoAsync(new CreateVideoRequest(prompt) { Seconds = seconds, Size = size });
        return await WaitAsync(emulator, created);
    }

    private static async Task<SoraVideo> WaitAsync(TestEmulator emulator, SoraVideo job)
    {
        await foreach (var update in new VideoWaiter(emulator.Client).WaitAsync([job], TestEmulator.QuickWait()))
        {
            if (update.Kind == WaitUpdateKind.Finished)
            {
                return update.Video!;
            }
        }

        throw new InvalidOperationException($"Job {job.Id} did not finish.");
    }

    /// <summary>A real MP4, downloaded from a finished job, so no binary lives in the repository.</summary>
    private static async Task<FileInfo> SampleMp4Async(TestEmulator emulator, TempFolder folder, string fileName)
    {
        var video = await emulator.CompletedVideoAsync("Sample for upload");
        var file = await new ContentDownloader(emulator.Client).DownloadAsync(
            video.Id, VideoVariant.Video, DownloadTarget.File(Path.Combine(folder.Path, fileName)), overwrite: false);
        Assert.True(file.Length > 1000);
        return file;
    }

    private static FileInfo WriteFile(TempFolder folder, string name, byte[] bytes)
    {
        var path = Path.Combine(folder.Path, name);
        File.WriteAllBytes(path, bytes);
        return new FileInfo(path);
    }

    /// <summary>The first bytes of a container, padded: enough for the client's check, not a playable file.</summary>
    private static byte[] VideoHeader(string kind)
    {
        byte[] head = kind switch
        {
            "ftyp-isom" => [0, 0, 0, 0x18, .. "ftypisom"u8, 0, 0, 2, 0, .. "isomiso2"u8],
            "ftyp-qt" => [0, 0, 0, 0x14, .. "ftypqt  "u8, 0, 0, 2, 0, .. "qt  "u8],
            "moov" => [0, 0, 0, 0x08, .. "moov"u8, 0, 0, 0, 0x08, .. "mvhd"u8],
            "webm" => [0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84, .. "webm"u8],
            "matroska" => [0x1A, 0x45, 0xDF, 0xA3, 0xA3, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x88, .. "matroska"u8],
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        return [.. head, .. new byte[256]];
    }

    private static string[] PropertyNames(JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToArray();
}
