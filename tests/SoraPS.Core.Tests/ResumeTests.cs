using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using SoraPS.Emulator;

namespace SoraPS.Core.Tests;

public class ResumeTests
{
    private const int Size = 3 * 1024 * 1024;

    [Fact]
    public async Task A_broken_download_is_kept_and_continued_with_a_range_request()
    {
        await using var emulator = await TestEmulator.StartAsync(maxRetries: 0);
        var video = await emulator.CompletedVideoAsync($"Resumable #bytes={Size}");
        using var folder = new TempFolder();
        var reference = await ReferenceBytesAsync(emulator, video.Id);
        var downloader = new ContentDownloader(emulator.Client);
        var options = new DownloadOptions { Resume = true };
        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos/*/content") { Kind = FaultKind.ResetMidBody, AfterBytes = 1024 * 1024 });

        var failure = await Assert.ThrowsAsync<SoraApiException>(() => downloader.DownloadAsync(video.Id, VideoVariant.Video, DownloadTarget.Folder(folder.Path), options));
        Assert.Contains("run the command again with -Resume", failure.Message, StringComparison.Ordinal);
        var partial = Path.Combine(folder.Path, "." + video.Id + ".mp4.partial");
        var kept = new FileInfo(partial).Length;
        emulator.Server.ClearRequests();
        var file = await downloader.DownloadAsync(video.Id, VideoVariant.Video, DownloadTarget.Folder(folder.Path), options);

        Assert.InRange(kept, 1, Size - 1);
        var request = emulator.Server.Requests.Single();
        Assert.Equal($"bytes={kept}-", request.Headers["Range"]);
        Assert.True(request.Headers.ContainsKey("If-Range"));
        Assert.Equal(reference, await File.ReadAllBytesAsync(file.FullName));
        Assert.Equal([file.FullName], folder.Files());
    }

    [Fact]
    public async Task Kept_bytes_of_another_version_are_discarded_and_the_download_starts_over()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var video = await emulator.CompletedVideoAsync($"Changed #bytes={Size}");
        using var folder = new TempFolder();
        var partial = Path.Combine(folder.Path, "." + video.Id + ".mp4.partial");
        await File.WriteAllBytesAsync(partial, new byte[1000]);
        await File.WriteAllTextAsync(partial + ".etag", "\"another-version\"");

        var file = await new ContentDownloader(emulator.Client).DownloadAsync(
            video.Id, VideoVariant.Video, DownloadTarget.Folder(folder.Path), new DownloadOptions { Resume = true });

        Assert.Equal(await ReferenceBytesAsync(emulator, video.Id), await File.ReadAllBytesAsync(file.FullName));
        Assert.Equal([file.FullName], folder.Files());
    }

    [Fact]
    public async Task Without_resume_a_broken_download_leaves_nothing_behind()
    {
        await using var emulator = await TestEmulator.StartAsync(maxRetries: 0);
        var video = await emulator.CompletedVideoAsync($"Not resumable #bytes={Size}");
        using var folder = new TempFolder();
        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos/*/content") { Kind = FaultKind.ResetMidBody, AfterBytes = 1024 * 1024 });

        await Assert.ThrowsAsync<SoraApiException>(() => new ContentDownloader(emulator.Client).DownloadAsync(
            video.Id, VideoVariant.Video, DownloadTarget.Folder(folder.Path), new DownloadOptions()));

        Assert.Empty(folder.Files());
    }

    private static async Task<byte[]> ReferenceBytesAsync(TestEmulator emulator, string id)
    {
        using var http = new System.Net.Http.HttpClient();
        return await http.GetByteArrayAsync(new Uri(emulator.Server.BaseUri, $"videos/{id}/content"));
    }
}
