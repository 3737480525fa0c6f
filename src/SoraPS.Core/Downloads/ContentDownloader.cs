using System;
using System.Buffers;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using SoraPS.Core.Http;

namespace SoraPS;

/// <summary>
/// Streams one asset to disk. Bytes go to a temporary file beside the target and are renamed into
/// place only when the whole body arrived, so a failed or cancelled download never truncates or
/// replaces a file that was there before, and never leaves a partial file under the real name.
/// Before anything is written, the first bytes show what the body is: an error page or JSON sent with
/// a 2xx status is refused, and media is named after what it is, whatever its label says.
/// </summary>
public sealed class ContentDownloader
{
    private const int BufferSize = 1024 * 1024;

    /// <summary>
    /// Only Windows has truly asynchronous file writes; elsewhere an async write is a thread-pool hop per
    /// buffer, which costs more than the write itself. The network side stays asynchronous everywhere.
    /// </summary>
    private static readonly bool AsyncFileWrites = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    private readonly SoraClient client;

    public ContentDownloader(SoraClient client)
    {
        this.client = client ?? throw new ArgumentNullException(nameof(client));
    }

    /// <returns>The file written.</returns>
    public Task<FileInfo> DownloadAsync(
        string videoId,
        VideoVariant variant,
        DownloadTarget target,
        bool overwrite,
        IProgress<DownloadProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        DownloadAsync(videoId, variant, target, new DownloadOptions { Overwrite = overwrite, Progress = progress }, cancellationToken);

    /// <returns>The file written; its name follows what the content turned out to be.</returns>
    public async Task<FileInfo> DownloadAsync(
        string videoId, VideoVariant variant, DownloadTarget target, DownloadOptions options, CancellationToken cancellationToken = default)
    {
        if (target is null)
        {
            throw new ArgumentNullException(nameof(target));
        }

        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        // Checked before the request with the name the variant usually gets, and again once the
        // content is known, so the usual conflict costs no download.
        var predicted = target.Resolve(videoId, variant, null);
        EnsureWritable(predicted, options.Overwrite);
        var download = new Download(videoId, variant, target, options, predicted);
        var partial = options.Resume ? PartialFile.For(predicted) : PartialFile.Temporary(predicted);
        try
        {
            return await DownloadToAsync(download, partial, partial.ResumePoint(), cancellationToken).ConfigureAwait(false);
        }
        catch (SoraApiException e) when (e.StatusCode == (HttpStatusCode)416 && partial.Exists)
        {
            // The kept bytes do not fit the content any more: start again from nothing.
            partial.Delete();
            return await DownloadToAsync(download, partial, null, cancellationToken).ConfigureAwait(false);
        }
        catch (RangeMismatchException mismatch)
        {
            // A range answer that does not fit the kept bytes is never appended: what was kept, and what
            // arrived of the range, is thrown away and the whole content is fetched again.
            client.Log.Verbose($"{mismatch.Message} The kept bytes were discarded; downloading the whole {SoraClient.VariantName(variant)} again.");
            partial.Delete();
            return await DownloadToAsync(download, partial, null, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<FileInfo> DownloadToAsync(Download download, PartialFile partial, ResumePoint? resumeFrom, CancellationToken cancellationToken)
    {
        var options = download.Options;
        using var response = await client.GetContentAsync(download.VideoId, download.Variant, cancellationToken, resumeFrom).ConfigureAwait(false);

        // A 206 continues the kept bytes; a 200 (the content changed, or the server ignores ranges) starts over.
        var appending = resumeFrom is not null && response.StatusCode == HttpStatusCode.PartialContent;
        long? expected;
        string? path = null;
        if (appending)
        {
            expected = CheckRange(response, resumeFrom!, download.VideoId);

            // The kept bytes are the content's start: they show what it is.
            var head = partial.ReadHead(MediaSignature.HeadLength);
            path = ChoosePath(download, response, head, head.Length);
        }
        else
        {
            expected = response.Content.Headers.ContentLength;
        }

        // What a failure leaves behind, said in its message.
        string Outcome(long received) => options.Resume
            ? $"the {received} bytes received are kept in '{partial.Path}'; run the command again with -Resume to continue"
            : $"nothing was written to '{path ?? download.Predicted}'";

        // For a fresh download the first bytes decide the name, and whether anything is written at all.
        string Begin(byte[] head, int length)
        {
            var chosen = ChoosePath(download, response, head, length);
            if (options.Resume)
            {
                var total = response.Content.Headers.ContentRange?.Length ?? response.Content.Headers.ContentLength;
                partial.Start(response.Headers.ETag?.ToString(), total);
            }

            return path = chosen;
        }

        try
        {
            var received = await CopyToFileAsync(
                response,
                partial.Path,
                appending ? resumeFrom!.Offset : 0,
                download,
                appending ? (_, _) => path! : Begin,
                expected,
                appending,
                Outcome,
                cancellationToken).ConfigureAwait(false);
            if (expected is { } length && received != length)
            {
                throw Invalid(response, $"The download ended after {received} of {length} bytes; {Outcome(received)}.", "truncated_body", download.VideoId);
            }

            MoveIntoPlace(partial.Path, path!, options.Overwrite);
            partial.Finish();
        }
        catch (Exception e) when (!options.Resume || e is RangeMismatchException)
        {
            if (!options.Resume)
            {
                partial.Delete();
            }

            throw;
        }

        return new FileInfo(path!);
    }

    /// <summary>
    /// Where the content goes, decided from its first bytes: an error body (JSON, an HTML page, text) or an
    /// empty one is refused before anything is written; media is named after what it is, with a warning
    /// when it is not what the variant should be (a video sent for a thumbnail).
    /// </summary>
    private string ChoosePath(Download download, HttpResponseMessage response, byte[] head, int length)
    {
        var contentType = response.Content.Headers.ContentType?.MediaType;
        var variantName = SoraClient.VariantName(download.Variant);
        var media = MediaSignature.Sniff(head, length);
        string path;
        if (media is null)
        {
            var problem = length == 0 ? "an empty body" : ResponseReader.DescribeErrorContent(contentType, head, length);
            if (problem is not null)
            {
                throw Invalid(
                    response,
                    $"The server answered {(int)response.StatusCode} but sent {problem} instead of the {variantName} of {download.VideoId}; nothing was written to '{download.Predicted}'.",
                    "error_body",
                    download.VideoId);
            }

            path = download.Target.Resolve(download.VideoId, download.Variant, contentType);
        }
        else
        {
            path = download.Target.ResolveFor(download.VideoId, download.Variant, media);
            if (!media.Fits(download.Variant))
            {
                client.Log.Warning(
                    $"The server sent {media.Description} when asked for the {variantName} of {download.VideoId}"
                    + (contentType is null ? string.Empty : $" (labelled {contentType})")
                    + $"; it is saved as '{Path.GetFileName(path)}', after what it is. This server may not offer the {variantName}.");
            }
            else if (ContentFileNames.ExtensionFor(contentType) is { } labelled && labelled != media.Extension)
            {
                client.Log.Verbose($"The {variantName} of {download.VideoId} is labelled {contentType} but is {media.Description}; it is named after what it is.");
            }
        }

        EnsureWritable(path, download.Options.Overwrite);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    /// <summary>
    /// Checks a 206 against the kept bytes: it must start where they end, announce a length that fits its
    /// range, and agree with the whole length first announced. Returns where the content then ends.
    /// </summary>
    private static long CheckRange(HttpResponseMessage response, ResumePoint resumeFrom, string videoId)
    {
        var range = response.Content.Headers.ContentRange;
        if (range is null || !range.HasRange || range.From is not { } from || range.To is not { } to || to < from)
        {
            throw new RangeMismatchException($"The server's answer to a resumed download of {videoId} has no usable Content-Range ({Show(range)}).");
        }

        if (from != resumeFrom.Offset)
        {
            throw new RangeMismatchException($"The server resumed {videoId} at byte {from} instead of {resumeFrom.Offset} ({Show(range)}).");
        }

        var count = to - from + 1;
        if (response.Content.Headers.ContentLength is { } announced && announced != count)
        {
            throw new RangeMismatchException($"The server announced {announced} bytes for the range {Show(range)} of {videoId}, which holds {count}.");
        }

        if (range.Length is { } total && (to >= total || (resumeFrom.TotalLength is { } first && total != first)))
        {
            throw new RangeMismatchException(
                $"The server's range {Show(range)} of {videoId} disagrees with the content's length" + (resumeFrom.TotalLength is { } known ? $" ({known} bytes when the download began)." : "."));
        }

        return to + 1;
    }

    private async Task<long> CopyToFileAsync(
        HttpResponseMessage response,
        string temporary,
        long startAt,
        Download download,
        Func<byte[], int, string> begin,
        long? expected,
        bool rangeMustFit,
        Func<long, string> outcome,
        CancellationToken cancellationToken)
    {
        var idleTimeout = client.Connection.ReadIdleTimeout;
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        // Some stream implementations ignore the token while blocked in a read: disposing the response
        // unblocks them, for a stall and for Ctrl+C alike.
        using var unblock = idle.Token.Register(response.Dispose);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var received = startAt;
        var sinceReport = Stopwatch.StartNew();
        var progress = download.Options.Progress;
        try
        {
#if NET
            using var source = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
#else
            using var source = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
#endif
            async Task<int> ReadAsync(int offset, int count)
            {
                idle.CancelAfter(idleTimeout);
                try
                {
                    return await source.ReadAsync(buffer, offset, count, idle.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested && idle.IsCancellationRequested)
                {
                    throw new SoraApiException(
                        response.StatusCode,
                        $"No data for {idleTimeout.TotalSeconds:0.#} s after {received + offset} bytes; the download was abandoned and {outcome(received)}.",
                        "timeout",
                        "read_idle_timeout",
                        null,
                        ResponseReader.RequestId(response),
                        "GET",
                        response.RequestMessage?.RequestUri?.AbsolutePath ?? download.VideoId,
                        e);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is IOException or HttpRequestException or ObjectDisposedException)
                {
                    throw new SoraApiException(
                        response.StatusCode,
                        $"The connection broke after {received + offset} bytes ({e.GetBaseException().Message.TrimEnd('.')}); {outcome(received)}.",
                        "connection_error",
                        null,
                        null,
                        ResponseReader.RequestId(response),
                        "GET",
                        response.RequestMessage?.RequestUri?.AbsolutePath ?? download.VideoId,
                        e);
                }
            }

            // The start of the body, read before any file exists.
            var pending = 0;
            var ended = false;
            while (pending < MediaSignature.HeadLength)
            {
                var read = await ReadAsync(pending, MediaSignature.HeadLength - pending).ConfigureAwait(false);
                if (read == 0)
                {
                    ended = true;
                    break;
                }

                pending += read;
            }

            var path = begin(buffer, pending);
            using var file = new FileStream(
                temporary,
                startAt > 0 ? FileMode.Append : FileMode.Create,
                FileAccess.Write,
                FileShare.None,
                bufferSize: AsyncFileWrites ? BufferSize : 0,
                AsyncFileWrites ? FileOptions.Asynchronous | FileOptions.SequentialScan : FileOptions.SequentialScan);
            progress?.Report(new DownloadProgress(download.VideoId, download.Variant, path, received, expected));
            while (pending > 0)
            {
                if (rangeMustFit && expected is { } end && received + pending > end)
                {
                    throw new RangeMismatchException(
                        $"The server sent more than the {end - startAt} bytes of the range it announced for {download.VideoId} (a gateway that re-encodes ranges does this).");
                }

                if (AsyncFileWrites)
                {
                    await file.WriteAsync(buffer, 0, pending, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    file.Write(buffer, 0, pending);
                }

                received += pending;
                if (progress is not null && sinceReport.Elapsed >= ProgressInterval)
                {
                    progress.Report(new DownloadProgress(download.VideoId, download.Variant, path, received, expected));
                    sinceReport.Restart();
                }

                pending = ended ? 0 : await ReadAsync(0, buffer.Length).ConfigureAwait(false);
            }

            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            progress?.Report(new DownloadProgress(download.VideoId, download.Variant, path, received, expected));
            return received;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void EnsureWritable(string path, bool overwrite)
    {
        if (Directory.Exists(path))
        {
            throw new IOException($"'{path}' is a folder; the download needs a file name there. Pass a folder to -Path to use default names.");
        }

        if (!overwrite && File.Exists(path))
        {
            throw SoraFileExistsException.For(path);
        }
    }

    private static void MoveIntoPlace(string temporary, string path, bool overwrite)
    {
        if (overwrite && File.Exists(path))
        {
            File.Replace(temporary, path, destinationBackupFileName: null);
            return;
        }

        try
        {
            File.Move(temporary, path);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Someone created the file while we downloaded: theirs stays.
            throw SoraFileExistsException.For(path);
        }
    }

    private static string Show(ContentRangeHeaderValue? range) => range is null ? "none" : "Content-Range: " + range;

    private static SoraApiException Invalid(HttpResponseMessage response, string message, string code, string videoId) => new(
        response.StatusCode,
        message,
        SoraApiException.InvalidResponseType,
        code,
        null,
        ResponseReader.RequestId(response),
        "GET",
        response.RequestMessage?.RequestUri?.AbsolutePath ?? videoId);

    /// <summary>One asset being fetched, and where it was expected to go.</summary>
    private sealed class Download
    {
        public Download(string videoId, VideoVariant variant, DownloadTarget target, DownloadOptions options, string predicted)
        {
            VideoId = videoId;
            Variant = variant;
            Target = target;
            Options = options;
            Predicted = predicted;
        }

        public string VideoId { get; }

        public VideoVariant Variant { get; }

        public DownloadTarget Target { get; }

        public DownloadOptions Options { get; }

        public string Predicted { get; }
    }

    /// <summary>A range answer that cannot continue the kept bytes.</summary>
    private sealed class RangeMismatchException : Exception
    {
        public RangeMismatchException(string message)
            : base(message)
        {
        }
    }
}
