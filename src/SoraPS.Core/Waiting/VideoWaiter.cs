using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace SoraPS;

/// <summary>How long and how often to poll.</summary>
public sealed class WaitOptions
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromHours(1);
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(5);

    /// <summary>Total time for the whole wait; jobs still running then are reported as timed out.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>The shortest time between two polls of one job. A server's openai-poll-after-ms can only lengthen it.</summary>
    public TimeSpan PollInterval { get; init; } = DefaultPollInterval;

    /// <summary>Polls in flight at once when many jobs are due together.</summary>
    public int MaxConcurrentPolls { get; init; } = 8;
}

public enum WaitUpdateKind
{
    /// <summary>The job is still running; its status or progress changed.</summary>
    Progress,

    /// <summary>The job completed or failed (see <see cref="SoraVideo.Status"/>).</summary>
    Finished,

    /// <summary>The wait ran out of time before the job finished.</summary>
    TimedOut,

    /// <summary>The job could not be polled (unknown id, server error after retries).</summary>
    Error,
}

/// <summary>One thing that happened to one job while waiting.</summary>
public sealed class WaitUpdate
{
    internal WaitUpdate(WaitUpdateKind kind, string videoId, SoraVideo? video, Exception? error = null)
    {
        Kind = kind;
        VideoId = videoId;
        Video = video;
        Error = error;
    }

    public WaitUpdateKind Kind { get; }

    public string VideoId { get; }

    /// <summary>The latest state known; null only for an id that was never retrieved.</summary>
    public SoraVideo? Video { get; }

    public Exception? Error { get; }
}

/// <summary>
/// Waits for many jobs in one loop (no thread or task per job): each round polls only the jobs that
/// are due, and the loop sleeps until the next one is. Updates are yielded to the caller, which writes
/// them from its own thread.
/// </summary>
public sealed class VideoWaiter
{
    private readonly SoraClient client;

    public VideoWaiter(SoraClient client)
    {
        this.client = client ?? throw new ArgumentNullException(nameof(client));
    }

    public async IAsyncEnumerable<WaitUpdate> WaitAsync(
        IEnumerable<SoraVideo> jobs, WaitOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= new WaitOptions();
        var clock = Stopwatch.StartNew();
        var deadline = options.Timeout;
        var pending = new Dictionary<string, PendingJob>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var job in jobs)
        {
            // The same job piped twice is waited for, and written, once.
            if (!seen.Add(job.Id))
            {
                continue;
            }

            if (job.IsFinished)
            {
                yield return new WaitUpdate(WaitUpdateKind.Finished, job.Id, job);
                continue;
            }

            // A job whose state is known was just seen: its first poll can wait one interval.
            var known = !string.IsNullOrEmpty(job.Status);
            pending[job.Id] = new PendingJob(job, known ? options.PollInterval : TimeSpan.Zero);
        }

        while (pending.Count > 0)
        {
            var now = clock.Elapsed;
            if (now >= deadline)
            {
                foreach (var job in pending.Values)
                {
                    yield return new WaitUpdate(WaitUpdateKind.TimedOut, job.Video.Id, job.Video);
                }

                yield break;
            }

            var due = pending.Values.Where(j => j.NextPollAt <= now).Take(options.MaxConcurrentPolls).ToList();
            if (due.Count == 0)
            {
                var next = pending.Values.Min(j => j.NextPollAt);
                var sleep = (next < deadline ? next : deadline) - now;
                await Task.Delay(sleep > TimeSpan.Zero ? sleep : TimeSpan.FromMilliseconds(1), cancellationToken).ConfigureAwait(false);
                continue;
            }

            var polls = due.Select(j => PollAsync(j, cancellationToken)).ToList();
            await Task.WhenAll(polls).ConfigureAwait(false);
            var polledAt = clock.Elapsed;
            foreach (var poll in polls)
            {
                var (job, result, error) = poll.Result;
                if (error is not null)
                {
                    pending.Remove(job.Video.Id);
                    yield return new WaitUpdate(WaitUpdateKind.Error, job.Video.Id, job.Video, error);
                    continue;
                }

                var video = result!.Value.Value;
                var changed = video.Status != job.Video.Status || video.Progress != job.Video.Progress;
                job.Video = video;
                if (video.IsFinished)
                {
                    pending.Remove(video.Id);
                    yield return new WaitUpdate(WaitUpdateKind.Finished, video.Id, video);
                    continue;
                }

                var serverDelay = result.Value.PollAfter ?? TimeSpan.Zero;
                job.NextPollAt = polledAt + (serverDelay > options.PollInterval ? serverDelay : options.PollInterval);
                if (changed)
                {
                    yield return new WaitUpdate(WaitUpdateKind.Progress, video.Id, video);
                }
            }
        }
    }

    private async Task<(PendingJob Job, ApiResult<SoraVideo>? Result, Exception? Error)> PollAsync(PendingJob job, CancellationToken cancellationToken)
    {
        try
        {
            var result = await client.GetVideoWithPollHintAsync(job.Video.Id, cancellationToken).ConfigureAwait(false);
            return (job, result, null);
        }
        catch (SoraApiException e)
        {
            return (job, null, e);
        }
    }

    private sealed class PendingJob
    {
        public PendingJob(SoraVideo video, TimeSpan nextPollAt)
        {
            Video = video;
            NextPollAt = nextPollAt;
        }

        public SoraVideo Video { get; set; }

        public TimeSpan NextPollAt { get; set; }
    }
}
