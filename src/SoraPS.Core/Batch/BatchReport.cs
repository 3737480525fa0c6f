using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;

namespace SoraPS.Core.Batch;

/// <summary>
/// The review page of a batch: one static HTML file with a card per row (thumbnail, prompt, status,
/// length, size, a link to the MP4 or a player when there is no thumbnail, the error of a failed row)
/// and the counts at the top. It loads nothing from the network and runs no script (its Content
/// Security Policy forbids both); media are linked relative to the page, so the folder can be moved or
/// copied whole. It never holds a key, a token or a request header: only what the results say.
/// </summary>
internal static class BatchReport
{
    private const string Style = """
        :root { color-scheme: light dark; --ok: #1a7f37; --bad: #cf222e; --muted: #6e7781; --card: #ffffff; --page: #f6f8fa; --line: #d0d7de; }
        @media (prefers-color-scheme: dark) { :root { --card: #161b22; --page: #0d1117; --line: #30363d; --muted: #8b949e; } }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; background: var(--page); }
        header { padding: 20px 24px 8px; }
        h1 { font-size: 20px; margin: 0 0 4px; }
        .meta { color: var(--muted); margin: 0 0 12px; overflow-wrap: anywhere; }
        .counts { display: flex; flex-wrap: wrap; gap: 8px; list-style: none; padding: 0; margin: 0 0 8px; }
        .counts li { border: 1px solid var(--line); border-radius: 999px; padding: 2px 12px; background: var(--card); }
        .counts .bad { border-color: var(--bad); color: var(--bad); }
        .counts .ok { border-color: var(--ok); color: var(--ok); }
        .problems { margin: 0; padding-left: 20px; }
        .problems a { color: var(--bad); }
        main { display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 16px; padding: 8px 24px 24px; }
        .card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; overflow: hidden; display: flex; flex-direction: column; }
        .card.problem { border-color: var(--bad); }
        .media { display: block; aspect-ratio: 16 / 9; background: #000; }
        .media img, .media video { width: 100%; height: 100%; object-fit: contain; display: block; }
        .media.none { display: flex; align-items: center; justify-content: center; color: #aaa; }
        .body { padding: 10px 12px 12px; }
        .status { display: inline-block; font-weight: 600; border-radius: 4px; padding: 0 6px; border: 1px solid var(--muted); }
        .status.ok { color: var(--ok); border-color: var(--ok); }
        .status.bad { color: var(--bad); border-color: var(--bad); }
        .prompt { margin: 8px 0; max-height: 9em; overflow: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
        dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; margin: 0; color: var(--muted); }
        dt { font-weight: 600; }
        dd { margin: 0; overflow-wrap: anywhere; }
        .error { margin: 8px 0 0; color: var(--bad); white-space: pre-wrap; overflow-wrap: anywhere; }
        """;

    /// <summary>Writes the page to a temporary file beside <paramref name="path"/> and moves it into place whole.</summary>
    public static void Write(string path, IReadOnlyList<SoraBatchResult> results, string outputFolder, BatchShard? shard, DateTimeOffset writtenAt)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        var html = Render(results, folder, outputFolder, shard, writtenAt);
        var temporary = Path.Combine(folder, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".partial");
        try
        {
            File.WriteAllText(temporary, html, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            if (File.Exists(path))
            {
                File.Replace(temporary, path, destinationBackupFileName: null);
            }
            else
            {
                File.Move(temporary, path);
            }
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    public static string Render(IReadOnlyList<SoraBatchResult> results, string pageFolder, string outputFolder, BatchShard? shard, DateTimeOffset writtenAt)
    {
        var ordered = results.OrderBy(r => r.Row).ToList();
        var succeeded = ordered.Count(r => r.Succeeded);
        var problems = ordered.Where(r => !r.Succeeded).ToList();
        var html = new StringBuilder(4096 + (ordered.Count * 1024));
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src 'self' file: data:; media-src 'self' file:; style-src 'unsafe-inline'\">\n")
            .Append("<meta name=\"referrer\" content=\"no-referrer\">\n")
            .Append("<title>").Append(Encode($"Video batch: {succeeded} of {ordered.Count} done")).Append("</title>\n")
            .Append("<style>\n").Append(Style).Append("\n</style>\n</head>\n<body>\n<header>\n<h1>Video batch</h1>\n")
            .Append("<p class=\"meta\">").Append(Encode(outputFolder));
        if (shard is not null)
        {
            html.Append(" · shard ").Append(Encode(shard.ToString()));
        }

        html.Append(" · written ").Append(Encode(writtenAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))).Append(" UTC</p>\n")
            .Append("<ul class=\"counts\">\n")
            .Append("<li class=\"all\">").Append(Count(ordered.Count, "row", "rows")).Append("</li>\n");

        // One pill per way a row ended; a completed job whose files are missing is not counted as done.
        var endings = ordered
            .GroupBy(r => r.Succeeded ? r.Status : VideoStatus.IsCompleted(r.Status) ? "completed, files missing" : r.Status, StringComparer.OrdinalIgnoreCase)
            .OrderBy(g => g.First().Succeeded ? 0 : 1)
            .ThenBy(g => g.Key, StringComparer.Ordinal);
        foreach (var ending in endings)
        {
            html.Append("<li class=\"").Append(ending.First().Succeeded ? "ok" : "bad").Append("\">")
                .Append(ending.Count().ToString(CultureInfo.InvariantCulture)).Append(' ').Append(Encode(ending.Key)).Append("</li>\n");
        }

        html.Append("</ul>\n");
        if (problems.Count > 0)
        {
            html.Append("<ul class=\"problems\">\n");
            foreach (var problem in problems)
            {
                html.Append("<li><a href=\"#row-").Append(problem.Row.ToString(CultureInfo.InvariantCulture)).Append("\">")
                    .Append(Encode(Title(problem))).Append("</a>: ").Append(Encode(problem.Status)).Append("</li>\n");
            }

            html.Append("</ul>\n");
        }

        html.Append("</header>\n<main>\n");
        foreach (var result in ordered)
        {
            Card(html, result, pageFolder);
        }

        html.Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void Card(StringBuilder html, SoraBatchResult result, string pageFolder)
    {
        var video = result.FileOf(VideoVariant.Video);
        var thumbnail = result.FileOf(VideoVariant.Thumbnail);
        html.Append("<article class=\"card").Append(result.Succeeded ? string.Empty : " problem").Append("\" id=\"row-")
            .Append(result.Row.ToString(CultureInfo.InvariantCulture)).Append("\">\n");
        if (thumbnail is not null)
        {
            var image = "<img src=\"" + Url(pageFolder, thumbnail) + "\" alt=\"" + Encode("Thumbnail of " + Title(result)) + "\">";
            html.Append(video is null
                ? "<div class=\"media\">" + image + "</div>\n"
                : "<a class=\"media\" href=\"" + Url(pageFolder, video) + "\">" + image + "</a>\n");
        }
        else if (video is not null)
        {
            // "#t=0.1" makes the browser show a frame instead of a black box before the video is played.
            html.Append("<div class=\"media\"><video controls preload=\"metadata\" src=\"").Append(Url(pageFolder, video)).Append("#t=0.1\"></video></div>\n");
        }
        else
        {
            html.Append("<div class=\"media none\">").Append(result.Succeeded ? "No thumbnail saved" : "No video").Append("</div>\n");
        }

        html.Append("<div class=\"body\">\n<span class=\"status ").Append(result.Succeeded ? "ok" : "bad").Append("\">")
            .Append(Encode(result.Status)).Append("</span>\n")
            .Append("<p class=\"prompt\">").Append(Encode(result.Prompt)).Append("</p>\n<dl>\n");
        Item(html, "Row", result.Name is null ? result.Row.ToString(CultureInfo.InvariantCulture) : result.Row.ToString(CultureInfo.InvariantCulture) + " · " + result.Name);
        Item(html, "Job", result.VideoId + (result.Adopted ? " (found on the server after a lost answer)" : string.Empty));
        Item(html, "Length", result.Seconds is null ? null : result.Seconds + " s");
        Item(html, "Size", result.Size);
        Item(html, "Model", result.Model);
        Item(html, "Took", result.Duration is { } duration ? Describe(duration) : null);
        if (video is not null)
        {
            html.Append("<dt>Video</dt><dd><a href=\"").Append(Url(pageFolder, video)).Append("\">").Append(Encode(video.Name)).Append("</a> ")
                .Append(Encode(Megabytes(video))).Append("</dd>\n");
        }

        foreach (var other in result.SavedFiles.Where(f => f.Variant != VideoVariant.Video))
        {
            html.Append("<dt>").Append(Encode(other.Variant.ToString())).Append("</dt><dd><a href=\"").Append(Url(pageFolder, other.File)).Append("\">")
                .Append(Encode(other.File.Name)).Append("</a></dd>\n");
        }

        html.Append("</dl>\n");
        if (result.Error is not null)
        {
            html.Append("<p class=\"error\">").Append(Encode(result.Error)).Append("</p>\n");
        }

        html.Append("</div>\n</article>\n");
    }

    private static void Item(StringBuilder html, string term, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            html.Append("<dt>").Append(term).Append("</dt><dd>").Append(Encode(value!)).Append("</dd>\n");
        }
    }

    private static string Title(SoraBatchResult result) =>
        "row " + result.Row.ToString(CultureInfo.InvariantCulture) + (result.Name is null ? string.Empty : " (" + result.Name + ")");

    private static string Url(string pageFolder, FileInfo file) => Encode(BatchPaths.RelativeUrl(pageFolder, file.FullName));

    private static string Megabytes(FileInfo file)
    {
        try
        {
            var length = file.Length;
            return length < 1024 * 1024
                ? Math.Ceiling(length / 1024d).ToString("0", CultureInfo.InvariantCulture) + " KB"
                : (length / 1048576d).ToString("0.0", CultureInfo.InvariantCulture) + " MB";
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    private static string Describe(TimeSpan time) => time.TotalSeconds < 60
        ? time.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s"
        : time.TotalHours < 1
            ? ((int)time.TotalMinutes).ToString(CultureInfo.InvariantCulture) + " min " + time.Seconds.ToString(CultureInfo.InvariantCulture) + " s"
            : ((int)time.TotalHours).ToString(CultureInfo.InvariantCulture) + " h " + time.Minutes.ToString(CultureInfo.InvariantCulture) + " min";

    private static string Count(int count, string one, string many) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? one : many);

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
