using System;
using System.Buffers;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using SoraPS.Core.Http;

namespace SoraPS;

/// <summary>
/// Streams one asset to disk. Bytes go to a temporary file beside the target and are renamed into
/// place only when the whole body arrived, so a failed or cancelled download never truncates or
/// replaces a file that was there before, and never leaves a partial file under the real name.
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

    /// <returns>The file written.</returns>
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
        // content type is known, so the usual conflict costs no download.
        var predicted = target.Resolve(videoId, variant, null);
        EnsureWritable(predicted, options.Overwrite);
        var partial = options.Resume ? PartialFile.For(predicted) : PartialFile.Temporary(predicted);
        try
        {
            return await DownloadToAsync(videoId, variant, target, options, partial, partial.ResumePoint(), cancellationToken).ConfigureAwait(false);
        }
        catch (SoraApiException e) when (e.StatusCode == (HttpStatusCode)416 && partial.Exists)
        {
            // The kept bytes do not fit the content any more: start again from nothing.
            partial.Delete();
            return await DownloadToAsync(videoId, variant, target, options, partial, null, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<FileInfo> DownloadToAsync(
        string videoId,
        VideoVariant variant,
        DownloadTarget target,
        DownloadOptions options,
        PartialFile partial,
        ResumePoint? resumeFrom,
        CancellationToken cancellationToken)
    {
        using var response = await client.GetContentAsync(videoId, variant, cancellationToken, resumeFrom).ConfigureAwait(false);
        var path = target.Resolve(videoId, variant, response.Content.Headers.ContentType?.MediaType);
        EnsureWritable(path, options.Overwrite);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        // A 206 continues the kept bytes; a 200 (the content changed, or the server ignores ranges) starts over.
        var range = response.Content.Headers.ContentRange;
        var appending = resumeFrom is not null && response.StatusCode == HttpStatusCode.PartialContent;
        if (appending && range?.From != resumeFrom!.Offset)
        {
            throw Invalid(response, $"The server resumed at byte {range?.From} instead of {resumeFrom.Offset}.", "bad_range", videoId);
        }

        var expected = appending ? range!.Length : response.Content.Headers.ContentLength;
        if (options.Resume && !appending)
        {
            partial.Start(response.Headers.ETag?.ToString());
        }

        // What a failure leaves behind, said in its message.
        string Outcome(long received) => options.Resume
            ? $"the {received} bytes received are kept in '{partial.Path}'; run the command again with -Resume to continue"
            : $"nothing was written to '{path}'";

        try
        {
            var received = await CopyToFileAsync(
                response, partial.Path, appending ? resumeFrom!.Offset : 0, videoId, variant, path, expected, Outcome, options.Progress, cancellationToken).ConfigureAwait(false);
            if (expected is { } length && received != length)
            {
                throw Invalid(response, $"The download ended after {received} of {length} bytes; {Outcome(received)}.", "truncated_body", videoId);
            }

            MoveIntoPlace(partial.Path, path, options.Overwrite);
            partial.Finish();
        }
        catch when (!options.Resume)
        {
            partial.Delete();
            throw;
        }

        return new FileInfo(path);
    }

    private async Task<long> CopyToFileAsync(
        HttpResponseMessage response,
        string temporary,
        long startAt,
        string videoId,
        VideoVariant variant,
        string path,
        long? expected,
        Func<long, string> outcome,
        IProgress<DownloadProgress>? progress,
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
        try
        {
#if NET
            using var source = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
#else
            using var source = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
#endif
            using var file = new FileStream(
                temporary,
                startAt > 0 ? FileMode.Append : FileMode.Create,
                FileAccess.Write,
                FileShare.None,
                bufferSize: AsyncFileWrites ? BufferSize : 0,
                AsyncFileWrites ? FileOptions.Asynchronous | FileOptions.SequentialScan : FileOptions.SequentialScan);
            progress?.Report(new DownloadProgress(videoId, variant, path, 0, expected));
            while (true)
            {
                idle.CancelAfter(idleTimeout);
                int read;
                try
                {
                    read = await source.ReadAsync(buffer, 0, buffer.Length, idle.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested && idle.IsCancellationRequested)
                {
                    throw new SoraApiException(
                        response.StatusCode,
                        $"No data for {idleTimeout.TotalSeconds:0.#} s after {received} bytes; the download was abandoned and {outcome(received)}.",
                        "timeout",
                        "read_idle_timeout",
                        null,
                        ResponseReader.RequestId(response),
                        "GET",
                        response.RequestMessage?.RequestUri?.AbsolutePath ?? videoId,
                        e);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is IOException or HttpRequestException or ObjectDisposedException)
                {
                    throw new SoraApiException(
                        response.StatusCode,
                        $"The connection broke after {received} bytes ({e.GetBaseException().Message.TrimEnd('.')}); {outcome(received)}.",
                        "connection_error",
                        null,
                        null,
                        ResponseReader.RequestId(response),
                        "GET",
                        response.RequestMessage?.RequestUri?.AbsolutePath ?? videoId,
                        e);
                }

                if (read == 0)
                {
                    break;
                }

                if (AsyncFileWrites)
                {
                    await file.WriteAsync(buffer, 0, read, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    file.Write(buffer, 0, read);
                }

                received += read;
                if (progress is not null && sinceReport.Elapsed >= ProgressInterval)
                {
                    progress.Report(new DownloadProgress(videoId, variant, path, received, expected));
                    sinceReport.Restart();
                }
            }

            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            progress?.Report(new DownloadProgress(videoId, variant, path, received, expected));
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

    private static SoraApiException Invalid(HttpResponseMessage response, string message, string code, string videoId) => new(
        response.StatusCode,
        message,
        SoraApiException.InvalidResponseType,
        code,
        null,
        ResponseReader.RequestId(response),
        "GET",
        response.RequestMessage?.RequestUri?.AbsolutePath ?? videoId);
}
