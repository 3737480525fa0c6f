using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using SoraPS.Core.Batch;

namespace SoraPS.Core.Tests.Batch;

public class BatchReportTests
{
    private static SoraBatchResult Completed(string folder, int row, string id, string prompt = "A lighthouse at dawn")
    {
        var video = new FileInfo(Path.Combine(folder, id + ".mp4"));
        var thumbnail = new FileInfo(Path.Combine(folder, id + ".thumbnail.webp"));
        File.WriteAllBytes(video.FullName, new byte[2048]);
        File.WriteAllBytes(thumbnail.FullName, new byte[64]);
        return new SoraBatchResult(row, "k" + row, prompt)
        {
            VideoId = id,
            Status = "completed",
            Seconds = "4",
            Size = "1280x720",
            Model = "sora-2",
            StartedAt = DateTimeOffset.UtcNow.AddSeconds(-75),
            EndedAt = DateTimeOffset.UtcNow,
            SavedFiles = [new SavedFile(VideoVariant.Video, video), new SavedFile(VideoVariant.Thumbnail, thumbnail)],
        };
    }

    [Fact]
    public void Cards_show_each_row_with_relative_links_and_the_counts_on_top()
    {
        using var folder = new TempFolder();
        var videos = Path.Combine(folder.Path, "my videos");
        Directory.CreateDirectory(videos);
        var results = new[]
        {
            Completed(videos, 1, "video_a"),
            new SoraBatchResult(2, "k2", "Blocked") { VideoId = "video_b", Status = "failed", ErrorCode = "moderation_blocked", Error = "moderation_blocked: Your request was blocked." },
            Completed(videos, 3, "video_c"),
            new SoraBatchResult(4, "k4", "Lost") { Status = BatchStatus.Unknown, Error = "The create's answer was lost." },
            new SoraBatchResult(5, "k5", "Not saved") { VideoId = "video_e", Status = "completed", Error = "The download broke." },
        };
        var page = Path.Combine(folder.Path, "report.html");

        BatchReport.Write(page, results, videos, BatchShard.Parse("2/3"), DateTimeOffset.UtcNow);
        var html = File.ReadAllText(page);

        Assert.Equal(5, Regex.Count(html, "<article "));
        Assert.Contains("<li class=\"all\">5 rows</li>", html, StringComparison.Ordinal);
        Assert.Contains("<li class=\"bad\">1 completed, files missing</li>", html, StringComparison.Ordinal);
        Assert.Contains("<li class=\"ok\">2 completed</li>", html, StringComparison.Ordinal);
        Assert.Contains("<title>Video batch: 2 of 5 done</title>", html, StringComparison.Ordinal);
        Assert.Contains("video_a.mp4</a> 2 KB", html, StringComparison.Ordinal);
        Assert.Contains("<li class=\"bad\">1 failed</li>", html, StringComparison.Ordinal);
        Assert.Contains("<li class=\"bad\">1 unknown</li>", html, StringComparison.Ordinal);
        Assert.Contains("<img src=\"my%20videos/video_a.thumbnail.webp\"", html, StringComparison.Ordinal);
        Assert.Contains("<a class=\"media\" href=\"my%20videos/video_a.mp4\">", html, StringComparison.Ordinal);
        Assert.Contains("moderation_blocked: Your request was blocked.", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#row-2\">row 2</a>: failed", html, StringComparison.Ordinal);
        Assert.Contains("<dt>Took</dt><dd>1 min 15 s</dd>", html, StringComparison.Ordinal);
        Assert.Contains("shard 2/3", html, StringComparison.Ordinal);
        Assert.Equal([page], Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void The_page_loads_nothing_from_the_network_and_runs_nothing_a_prompt_holds()
    {
        using var folder = new TempFolder();
        var results = new[] { Completed(folder.Path, 1, "video_a", "<script>alert('x')</script> & <img src=https://example.com/x.png>") };

        var html = BatchReport.Render(results, folder.Path, folder.Path, null, DateTimeOffset.UtcNow);

        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;img src=https://example.com/x.png&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);
        Assert.Contains("Content-Security-Policy\" content=\"default-src 'none';", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_video_without_a_thumbnail_gets_a_player_and_media_outside_the_page_folder_get_a_path_up()
    {
        using var folder = new TempFolder();
        var videos = Path.Combine(folder.Path, "videos");
        Directory.CreateDirectory(videos);
        var video = new FileInfo(Path.Combine(videos, "video_a.mp4"));
        File.WriteAllBytes(video.FullName, new byte[10]);
        var result = new SoraBatchResult(1, "k", "p") { VideoId = "video_a", Status = "completed", SavedFiles = [new SavedFile(VideoVariant.Video, video)] };
        var pages = Path.Combine(folder.Path, "pages");

        var html = BatchReport.Render([result], pages, videos, null, DateTimeOffset.UtcNow);

        Assert.Contains("<video controls preload=\"metadata\" src=\"../videos/video_a.mp4#t=0.1\"></video>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
    }
}
