using System;
using System.Buffers;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace SoraPS;

/// <summary>
/// Streams one asset to disk. Bytes go to a temporary file beside the target and are renamed into
/// place only when the whole body arrived, so a failed or cancelled download never truncates or
/// replaces a file that was there before, and never leaves a partial file under the real name.
/// </summary>
public sealed class ContentDownloader
{
    private const int BufferSize = 128 * 1024;
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    private readonly SoraClient client;

    public ContentDownloader(SoraClient client)
    {
        this.client = client ?? throw new ArgumentNullException(nameof(client));
    }

    /// <returns>The file written.</returns>
    public async Task<FileInfo> DownloadAsync(
        string videoId,
        VideoVariant variant,
        DownloadTarget target,
        bool overwrite,
        IProgress<DownloadProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (target is null)
        {
            throw new ArgumentNullException(nameof(target));
        }

        // Checked before the request with the name the variant usually gets, and again once the
        // content type is known, so the usual conflict costs no download.
        EnsureWritable(target.Resolve(videoId, variant, null), overwrite);

        using var response = await client.GetContentAsync(videoId, variant, cancellationToken).ConfigureAwait(false);
        var path = target.Resolve(videoId, variant, response.Content.Headers.ContentType?.MediaType);
        EnsureWritable(path, overwrite);
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);

        var expected = response.Content.Headers.ContentLength;
        var temporary = Path.Combine(folder, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".partial");
        try
        {
            var received = await CopyToFileAsync(response, temporary, videoId, variant, path, expected, progress, cancellationToken).ConfigureAwait(false);
            if (expected is { } length && received != length)
            {
                throw new SoraApiException(
                    response.StatusCode,
                    $"The download ended after {received} of {length} bytes; nothing was written to '{path}'.",
                    SoraApiException.InvalidResponseType,
                    "truncated_body",
                    null,
                    SoraClient.RequestId(response),
                    "GET",
                    response.RequestMessage?.RequestUri?.AbsolutePath ?? videoId);
            }

            MoveIntoPlace(temporary, path, overwrite);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }

        return new FileInfo(path);
    }

    private async Task<long> CopyToFileAsync(
        HttpResponseMessage response,
        string temporary,
        string videoId,
        VideoVariant variant,
        string path,
        long? expected,
        IProgress<DownloadProgress>? progress,
        CancellationToken cancellationToken)
    {
        var idleTimeout = client.Connection.ReadIdleTimeout;
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        // Some stream implementations ignore the token while blocked in a read: disposing the response
        // unblocks them, for a stall and for Ctrl+C alike.
        using var unblock = idle.Token.Register(response.Dispose);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long received = 0;
        var sinceReport = Stopwatch.StartNew();
        try
        {
#if NET
            using var source = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
#else
            using var source = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
#endif
            using var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
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
                        $"No data for {idleTimeout.TotalSeconds:0.#} s after {received} bytes; the download was abandoned and nothing was written to '{path}'.",
                        "timeout",
                        "read_idle_timeout",
                        null,
                        SoraClient.RequestId(response),
                        "GET",
                        response.RequestMessage?.RequestUri?.AbsolutePath ?? videoId,
                        e);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is IOException or HttpRequestException or ObjectDisposedException)
                {
                    throw new SoraApiException(
                        response.StatusCode,
                        $"The connection broke after {received} bytes ({e.GetBaseException().Message.TrimEnd('.')}); nothing was written to '{path}'.",
                        "connection_error",
                        null,
                        null,
                        SoraClient.RequestId(response),
                        "GET",
                        response.RequestMessage?.RequestUri?.AbsolutePath ?? videoId,
                        e);
                }

                if (read == 0)
                {
                    break;
                }

                await file.WriteAsync(buffer, 0, read, cancellationToken).ConfigureAwait(false);
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

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a hidden .partial file is harmless and the original error matters more.
        }
    }
}
