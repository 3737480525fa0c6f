using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using SoraPS.Emulator;

namespace SoraPS.Core.Tests;

public class DownloadTests
{
    [Fact]
    public async Task Each_variant_is_saved_under_its_default_name_with_real_media_bytes()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var video = await emulator.CompletedVideoAsync();
        using var folder = new TempFolder();
        var downloader = new ContentDownloader(emulator.Client);
        var target = DownloadTarget.Folder(folder.Path);

        var mp4 = await downloader.DownloadAsync(video.Id, VideoVariant.Video, target, overwrite: false);
        var thumbnail = await downloader.DownloadAsync(video.Id, VideoVariant.Thumbnail, target, overwrite: false);
        var spritesheet = await downloader.DownloadAsync(video.Id, VideoVariant.Spritesheet, target, overwrite: false);

        Assert.Equal(video.Id + ".mp4", mp4.Name);
        Assert.Equal(video.Id + ".thumbnail.webp", thumbnail.Name);
        Assert.Equal(video.Id + ".spritesheet.jpg", spritesheet.Name);
        Assert.Equal("ftyp", Encoding.ASCII.GetString(Head(mp4.FullName, 8), 4, 4));
        Assert.Equal("WEBP", Encoding.ASCII.GetString(Head(thumbnail.FullName, 12), 8, 4));
        Assert.Equal([0xFF, 0xD8, 0xFF], Head(spritesheet.FullName, 3));
        Assert.Equal(3, folder.Files().Length);
    }

    [Fact]
    public async Task A_large_variant_streams_to_disk_with_the_exact_length()
    {
        const long size = 48L * 1024 * 1024;
        await using var emulator = await TestEmulator.StartAsync();
        var video = await emulator.CompletedVideoAsync($"Big file #bytes={size}");
        using var folder = new TempFolder();
        long lastReported = 0;
        var progress = new SynchronousProgress(p => lastReported = p.BytesReceived);

        var file = await new ContentDownloader(emulator.Client).DownloadAsync(
            video.Id, VideoVariant.Video, DownloadTarget.Folder(folder.Path), overwrite: false, progress);

        Assert.Equal(size, file.Length);
        Assert.Equal(size, lastReported);
    }

    [Fact]
    public async Task An_existing_file_is_kept_and_nothing_is_requested_without_overwrite()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var video = await emulator.CompletedVideoAsync();
        using var folder = new TempFolder();
        var existing = Path.Combine(folder.Path, video.Id + ".mp4");
        await File.WriteAllTextAsync(existing, "precious");
        emulator.Server.ClearRequests();

        var error = await Assert.ThrowsAsync<SoraFileExistsException>(() =>
            new ContentDownloader(emulator.Client).DownloadAsync(video.Id, VideoVariant.Video, DownloadTarget.Folder(folder.Path), overwrite: false));

        Assert.Contains("-Force", error.Message, StringComparison.Ordinal);
        Assert.Equal("precious", await File.ReadAllTextAsync(existing));
        Assert.Empty(emulator.Server.Requests);
    }

    [Fact]
    public async Task Overwrite_replaces_an_existing_file_once_the_download_is_whole()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var video = await emulator.CompletedVideoAsync();
        using var folder = new TempFolder();
        var target = Path.Combine(folder.Path, "clip.mp4");
        await File.WriteAllTextAsync(target, "old");

        var file = await new ContentDownloader(emulator.Client).DownloadAsync(video.Id, VideoVariant.Video, DownloadTarget.File(target), overwrite: true);

        Assert.Equal(target, file.FullName);
        Assert.Equal("ftyp", Encoding.ASCII.GetString(Head(target, 8), 4, 4));
        Assert.Single(folder.Files());
    }

    [Theory]
    [InlineData(FaultKind.Truncate)]
    [InlineData(FaultKind.ResetMidBody)]
    public async Task A_broken_download_leaves_the_existing_file_untouched_and_no_partial_file(FaultKind kind)
    {
        await using var emulator = await TestEmulator.StartAsync(maxRetries: 0);
        var video = await emulator.CompletedVideoAsync($"Big #bytes={4 * 1024 * 1024}");
        using var folder = new TempFolder();
        var target = Path.Combine(folder.Path, video.Id + ".mp4");
        await File.WriteAllTextAsync(target, "precious");
        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos/*/content") { Kind = kind, AfterBytes = 100_000 });

        var error = await Assert.ThrowsAsync<SoraApiException>(() =>
            new ContentDownloader(emulator.Client).DownloadAsync(video.Id, VideoVariant.Video, DownloadTarget.Folder(folder.Path), overwrite: true));

        Assert.Contains("nothing was written", error.Message, StringComparison.Ordinal);
        Assert.Equal("precious", await File.ReadAllTextAsync(target));
        Assert.Equal([target], folder.Files());
    }

    [Fact]
    public async Task A_stalled_download_is_abandoned_after_the_idle_timeout()
    {
        await using var emulator = await TestEmulator.StartAsync(maxRetries: 0, readIdleTimeout: TimeSpan.FromMilliseconds(500));
        var video = await emulator.CompletedVideoAsync($"Big #bytes={1024 * 1024}");
        using var folder = new TempFolder();
        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos/*/content") { Kind = FaultKind.Stall, AfterBytes = 1000, StallFor = TimeSpan.FromSeconds(20) });
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<SoraApiException>(() =>
            new ContentDownloader(emulator.Client).DownloadAsync(video.Id, VideoVariant.Video, DownloadTarget.Folder(folder.Path), overwrite: false));

        Assert.Equal("read_idle_timeout", error.ErrorCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), "the stall should end at the idle timeout, not the server's 20 s");
        Assert.Empty(folder.Files());
    }

    [Fact]
    public async Task A_job_that_is_not_completed_has_no_content()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var running = await emulator.Client.CreateVideoAsync(new CreateVideoRequest("Not yet #render=60"));
        using var folder = new TempFolder();

        await Assert.ThrowsAsync<SoraApiException>(() =>
            new ContentDownloader(emulator.Client).DownloadAsync(running.Id, VideoVariant.Video, DownloadTarget.Folder(folder.Path), overwrite: false));

        Assert.Empty(folder.Files());
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("..\\..\\windows\\win.ini")]
    [InlineData("CON")]
    [InlineData("a/b:c*d?e\"f<g>h|i")]
    [InlineData("")]
    public void A_file_name_made_from_a_server_id_stays_in_its_folder(string id)
    {
        using var folder = new TempFolder();

        var path = DownloadTarget.Folder(folder.Path).Resolve(id, VideoVariant.Thumbnail, "image/webp");

        Assert.Equal(folder.Path, Path.GetDirectoryName(path));
        var name = Path.GetFileName(path);
        Assert.DoesNotContain("..", name, StringComparison.Ordinal);
        Assert.False(name.IndexOfAny(['/', '\\', ':', '*', '?', '"', '<', '>', '|']) >= 0, name);
        Assert.NotEqual("CON", name.Split('.')[0], StringComparer.OrdinalIgnoreCase);
        Assert.EndsWith(".thumbnail.webp", name, StringComparison.Ordinal);
    }

    [Fact]
    public void The_extension_follows_the_content_type()
    {
        Assert.Equal("v.spritesheet.png", ContentFileNames.For("v", VideoVariant.Spritesheet, "image/png"));
        Assert.Equal("v.spritesheet.jpg", ContentFileNames.For("v", VideoVariant.Spritesheet, "application/octet-stream"));
        Assert.Equal("v.mp4", ContentFileNames.For("v", VideoVariant.Video, "video/mp4; codecs=avc1"));
    }

    [Fact]
    public void A_user_path_is_a_folder_when_it_exists_ends_in_a_separator_or_has_no_extension()
    {
        using var folder = new TempFolder();

        Assert.True(DownloadTarget.FromUserPath(folder.Path).IsFolder);
        Assert.True(DownloadTarget.FromUserPath(Path.Combine(folder.Path, "new") + Path.DirectorySeparatorChar).IsFolder);
        Assert.True(DownloadTarget.FromUserPath(Path.Combine(folder.Path, "out")).IsFolder);
        Assert.False(DownloadTarget.FromUserPath(Path.Combine(folder.Path, "clip.mp4")).IsFolder);
    }

    private static byte[] Head(string path, int count)
    {
        using var stream = File.OpenRead(path);
        var buffer = new byte[count];
        stream.ReadExactly(buffer);
        return buffer;
    }

    private sealed class SynchronousProgress(Action<DownloadProgress> report) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => report(value);
    }
}
