using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using SoraPS.Emulator;

namespace SoraPS.Core.Tests;

/// <summary>
/// Nothing of a wrong answer is ever written at the user's target path: error pages and JSON sent with a
/// 2xx status, media that is not the variant asked for, and range answers that do not fit the kept bytes.
/// </summary>
public class ContentCheckTests
{
    private const string Content = "/v1/videos/*/content";

    /// <summary>The start of an MP4 (an ftyp box), all ASCII so that a fault's text body carries it byte for byte.</summary>
    private const string Mp4Start = "\0\0\0\u0018ftypisom\0\0\u0002\0isomiso2avc1mp41";

    public static TheoryData<string, string, string> ErrorBodies => new()
    {
        { "text/html", "<html><head><title>Upstream error</title></head><body>Failed</body></html>", "an HTML page" },
        { "application/json", "{\"error\":{\"message\":\"Failed to fetch video content\",\"type\":\"server_error\"}}", "Failed to fetch video content" },
        { "video/mp4", "{\"error\":{\"message\":\"Failed to fetch video content\",\"type\":\"server_error\"}}", "JSON (video/mp4)" },
        { "video/mp4", "<!DOCTYPE html><html><body>Bad gateway</body></html>", "Bad gateway" },
        { "text/plain", "Message: fetch failed", "Message: fetch failed" },
    };

    [Theory]
    [MemberData(nameof(ErrorBodies))]
    public async Task An_error_body_with_status_200_is_refused_and_the_existing_file_stays(string contentType, string body, string quoted)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var video = await emulator.CompletedVideoAsync();
        using var folder = new TempFolder();
        var existing = Path.Combine(folder.Path, video.Id + ".mp4");
        await File.WriteAllTextAsync(existing, "the good one");
        var downloader = new ContentDownloader(emulator.Client);

        foreach (var force in new[] { false, true })
        {
            foreach (var resume in new[] { false, true })
            {
                emulator.Server.Faults.Add(new Fault("GET", Content) { Status = 200, ContentType = contentType, Body = body });
                var target = force ? DownloadTarget.File(existing) : DownloadTarget.Folder(Path.Combine(folder.Path, "fresh"));

                var error = await Assert.ThrowsAsync<SoraApiException>(() => downloader.DownloadAsync(
                    video.Id, VideoVariant.Video, target, new DownloadOptions { Overwrite = force, Resume = resume }));

                Assert.Equal("error_body", error.ErrorCode);
                Assert.Contains(quoted, error.Message, StringComparison.Ordinal);
                Assert.Contains("nothing was written", error.Message, StringComparison.Ordinal);
            }
        }

        Assert.Equal("the good one", await File.ReadAllTextAsync(existing));
        Assert.Equal([existing], folder.Files());
    }

    [Fact]
    public async Task An_empty_body_with_status_200_is_refused()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var video = await emulator.CompletedVideoAsync();
        using var folder = new TempFolder();
        emulator.Server.Faults.Add(new Fault("GET", Content) { Status = 200, ContentType = "video/mp4", Body = string.Empty });

        var error = await Assert.ThrowsAsync<SoraApiException>(() => new ContentDownloader(emulator.Client).DownloadAsync(
            video.Id, VideoVariant.Video, DownloadTarget.Folder(folder.Path), new DownloadOptions()));

        Assert.Contains("an empty body", error.Message, StringComparison.Ordinal);
        Assert.Empty(folder.Files());
    }

    [Fact]
    public async Task A_video_sent_for_a_thumbnail_is_named_after_what_it_is_with_a_warning()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var video = await emulator.CompletedVideoAsync();
        using var folder = new TempFolder();
        var downloader = new ContentDownloader(emulator.Client);
        var existingThumbnail = Path.Combine(folder.Path, video.Id + ".thumbnail.webp");
        await File.WriteAllTextAsync(existingThumbnail, "a real thumbnail");
        emulator.Server.Faults.Add(new Fault("GET", Content) { Status = 200, ContentType = "video/mp4", Body = Mp4Start, Count = 2 });

        var saved = await downloader.DownloadAsync(video.Id, VideoVariant.Thumbnail, DownloadTarget.Folder(folder.Path), new DownloadOptions { Overwrite = true });
        var named = await downloader.DownloadAsync(
            video.Id, VideoVariant.Thumbnail, DownloadTarget.File(Path.Combine(folder.Path, "thumb.webp")), new DownloadOptions());

        Assert.Equal(video.Id + ".thumbnail.mp4", saved.Name);
        Assert.Equal("thumb.mp4", named.Name);
        Assert.Equal("a real thumbnail", await File.ReadAllTextAsync(existingThumbnail));
        Assert.Equal(2, emulator.Log.Messages.Count(m => m.StartsWith("WARNING:", StringComparison.Ordinal) && m.Contains("a video (MP4) when asked for the thumbnail", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_image_labelled_as_a_video_is_named_after_its_bytes_without_a_warning()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var video = await emulator.CompletedVideoAsync();
        using var folder = new TempFolder();
        var webp = "RIFF\u0010\0\0\0WEBPVP8 ";
        emulator.Server.Faults.Add(new Fault("GET", Content) { Status = 200, ContentType = "video/mp4", Body = webp });

        var saved = await new ContentDownloader(emulator.Client).DownloadAsync(video.Id, VideoVariant.Thumbnail, DownloadTarget.Folder(folder.Path), new DownloadOptions());

        Assert.Equal(video.Id + ".thumbnail.webp", saved.Name);
        Assert.DoesNotContain(emulator.Log.Messages, m => m.StartsWith("WARNING:", StringComparison.Ordinal));
    }

    public static TheoryData<string, string, int> BadRanges => new()
    {
        // Content-Range, body, what the kept part's companion records as the whole length (0: nothing)
        { "bytes 0-9/{total}", "0123456789", 0 },                    // starts elsewhere
        { "bytes {from}-{fromPlus9}/{total}", "01234567890123456789", 0 }, // announces 10, sends 20
        { "bytes {from}-{fromPlus9}/999999999", "0123456789", 1 },    // another whole length than first announced
        { "bytes {from}-{fromPlus9}/{fromPlus5}", "0123456789", 0 },  // a range past its own end
    };

    [Theory]
    [MemberData(nameof(BadRanges))]
    public async Task A_range_answer_that_does_not_fit_is_thrown_away_and_the_whole_content_fetched(string contentRange, string body, int recordTotal)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var video = await emulator.CompletedVideoAsync($"Resumable #bytes={64 * 1024}");
        var reference = await ReferenceBytesAsync(emulator, video.Id);
        using var folder = new TempFolder();
        var partial = Path.Combine(folder.Path, "." + video.Id + ".mp4.partial");
        const int Kept = 1000;
        await File.WriteAllBytesAsync(partial, reference.AsSpan(0, Kept).ToArray());
        await File.WriteAllTextAsync(partial + ".etag", $"\"{video.Id}-video\"" + (recordTotal == 1 ? "\n" + reference.Length : string.Empty));
        var range = contentRange.Replace("{total}", reference.Length.ToString(), StringComparison.Ordinal)
            .Replace("{fromPlus9}", (Kept + 9).ToString(), StringComparison.Ordinal)
            .Replace("{fromPlus5}", (Kept + 5).ToString(), StringComparison.Ordinal)
            .Replace("{from}", Kept.ToString(), StringComparison.Ordinal);
        emulator.Server.Faults.Add(new Fault("GET", Content)
        {
            Status = 206,
            ContentType = "video/mp4",
            Body = body,
            Headers = new Dictionary<string, string> { ["Content-Range"] = range },
        });
        emulator.Server.ClearRequests();

        var file = await new ContentDownloader(emulator.Client).DownloadAsync(
            video.Id, VideoVariant.Video, DownloadTarget.Folder(folder.Path), new DownloadOptions { Resume = true });

        Assert.Equal(reference, await File.ReadAllBytesAsync(file.FullName));
        Assert.Equal([file.FullName], folder.Files());
        var requests = emulator.Server.Requests;
        Assert.Equal(2, requests.Count);
        Assert.True(requests[0].Headers.ContainsKey("Range"));
        Assert.False(requests[1].Headers.ContainsKey("Range"));
    }

    [Theory]
    [InlineData(RangeCorruption.Reencode, false)]
    [InlineData(RangeCorruption.Reencode, true)]
    [InlineData(RangeCorruption.WrongStart, false)]
    [InlineData(RangeCorruption.WrongStart, true)]
    [InlineData(RangeCorruption.WrongTotal, false)]
    [InlineData(RangeCorruption.WrongTotal, true)]
    public async Task A_corrupted_range_from_a_gateway_is_never_appended_with_or_without_force(RangeCorruption corruption, bool force)
    {
        await using var emulator = await TestEmulator.StartAsync(maxRetries: 0);
        var video = await emulator.CompletedVideoAsync("A short take");
        var reference = await ReferenceBytesAsync(emulator, video.Id);
        using var folder = new TempFolder();
        var target = Path.Combine(folder.Path, video.Id + ".mp4");
        if (force)
        {
            await File.WriteAllTextAsync(target, "an older copy");
        }

        var downloader = new ContentDownloader(emulator.Client);
        var options = new DownloadOptions { Resume = true, Overwrite = force };
        emulator.Server.Faults.Add(new Fault("GET", Content) { Kind = FaultKind.Truncate, AfterBytes = 5000 });
        await Assert.ThrowsAsync<SoraApiException>(() => downloader.DownloadAsync(video.Id, VideoVariant.Video, DownloadTarget.Folder(folder.Path), options));
        emulator.Server.Faults.Add(new Fault("GET", Content) { Kind = FaultKind.CorruptRange, RangeCorruption = corruption });
        emulator.Server.ClearRequests();

        var file = await downloader.DownloadAsync(video.Id, VideoVariant.Video, DownloadTarget.Folder(folder.Path), options);

        Assert.Equal(target, file.FullName);
        Assert.Equal(reference, await File.ReadAllBytesAsync(target));
        Assert.Equal([target], folder.Files());
        Assert.Equal(2, emulator.Server.Requests.Count);
        Assert.Equal("bytes=5000-", emulator.Server.Requests[0].Headers["Range"]);
        Assert.False(emulator.Server.Requests[1].Headers.ContainsKey("Range"));
    }

    [Fact]
    public async Task A_resumed_download_records_and_checks_the_whole_length()
    {
        await using var emulator = await TestEmulator.StartAsync(maxRetries: 0);
        var video = await emulator.CompletedVideoAsync($"Resumable #bytes={512 * 1024}");
        using var folder = new TempFolder();
        emulator.Server.Faults.Add(new Fault("GET", Content) { Kind = FaultKind.ResetMidBody, AfterBytes = 200 * 1024 });
        var downloader = new ContentDownloader(emulator.Client);

        await Assert.ThrowsAsync<SoraApiException>(() => downloader.DownloadAsync(
            video.Id, VideoVariant.Video, DownloadTarget.Folder(folder.Path), new DownloadOptions { Resume = true }));

        var companion = Path.Combine(folder.Path, "." + video.Id + ".mp4.partial.etag");
        var lines = await File.ReadAllLinesAsync(companion);
        Assert.Equal(["\"" + video.Id + "-video\"", (512 * 1024).ToString()], lines);
        var file = await downloader.DownloadAsync(video.Id, VideoVariant.Video, DownloadTarget.Folder(folder.Path), new DownloadOptions { Resume = true });
        Assert.Equal(await ReferenceBytesAsync(emulator, video.Id), await File.ReadAllBytesAsync(file.FullName));
    }

    private static async Task<byte[]> ReferenceBytesAsync(TestEmulator emulator, string id)
    {
        using var http = new HttpClient();
        return await http.GetByteArrayAsync(new Uri(emulator.Server.BaseUri, $"videos/{id}/content"));
    }
}

public class FileNameTests
{
    [Theory]
    [InlineData("video_68d7512d07848190b3e45da0ecbebcde004da08e1e0678d5")]
    [InlineData("video_abc")]
    [InlineData("clip-2.v1")]
    public void A_short_plain_lowercase_id_is_the_name_as_it_is(string id)
    {
        Assert.Equal(id + ".mp4", ContentFileNames.For(id, VideoVariant.Video, "video/mp4"));
    }

    [Fact]
    public void Long_ids_that_share_a_prefix_get_names_of_their_own()
    {
        // LiteLLM: video_ + base64 of "litellm:custom_llm_provider:...;model_id:...;video_id:<raw>".
        static string LiteLlmId(string raw) => "video_" + Convert.ToBase64String(
            System.Text.Encoding.UTF8.GetBytes("litellm:custom_llm_provider:gemini;model_id:veo-3.1-generate-preview;video_id:models/veo-3.1-generate-preview/operations/" + raw));
        var ids = Enumerable.Range(0, 200).Select(i => LiteLlmId("op" + i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture))).ToArray();

        var names = ids.Select(id => ContentFileNames.For(id, VideoVariant.Video, "video/mp4")).ToArray();

        Assert.All(ids, id => Assert.True(id.Length > 150));
        Assert.Equal(names.Length, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(names, name => Assert.InRange(name.Length, 20, 80));
        // The readable start stays, so that a listing of the folder still shows where the files came from.
        Assert.All(names, name => Assert.StartsWith(ids[0][..32] + "-", name, StringComparison.Ordinal));
    }

    [Fact]
    public void Ids_that_differ_only_in_case_never_share_a_file_on_a_case_insensitive_disk()
    {
        var upper = ContentFileNames.For("video_AbC", VideoVariant.Video, null);
        var lower = ContentFileNames.For("video_abc", VideoVariant.Video, null);

        Assert.NotEqual(upper, lower, StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_same_id_always_gets_the_same_name_so_a_resumed_download_finds_its_part()
    {
        var id = "video_" + new string('Q', 300) + "+/==";

        Assert.Equal(ContentFileNames.SafeStem(id), ContentFileNames.SafeStem(id));
        Assert.DoesNotContain('/', ContentFileNames.SafeStem(id));
    }
}
