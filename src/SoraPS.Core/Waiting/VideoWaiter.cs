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

    /// <summary>The job reached a final status: completed, or failed, cancelled, expired (see <see cref="SoraVideo.Status"/>).</summary>
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
/// are due, and the loop sleeps until the next one is. When many are due at once, a walk down the job
/// list (100 a page, newest first, to the oldest job waited for) answers for all of them, and only
/// the jobs it did not show are retrieved one by one. Updates are yielded to the caller, which writes
/// them from its own thread.
/// </summary>
public sealed class VideoWaiter
{
    /// <summary>From this many jobs due at once, one list page is cheaper than retrieving each.</summary>
    private const int ListSweepThreshold = 5;

    /// <summary>A walk never reads more pages than this; jobs further back are retrieved one by one.</summary>
    private const int MaxSweepPages = 10;

    private readonly SoraClient client;

    public VideoWaiter(SoraClient client)
    {
        this.client = client ?? throw new ArgumentNullException(nameof(client));
    }

    public IAsyncEnumerable<WaitUpdate> WaitAsync(
        IEnumerable<SoraVideo> jobs, WaitOptions? options = null, CancellationToken cancellationToken = default) =>
        WaitAsync(new VideoWaitSet(jobs), options, cancellationToken);

    /// <summary>
    /// Waits for the jobs of <paramref name="jobs"/>, taking in those added while it waits, until the set is
    /// complete and every job in it has finished (or the time is up).
    /// </summary>
    public async IAsyncEnumerable<WaitUpdate> WaitAsync(
        VideoWaitSet jobs, WaitOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (jobs is null)
        {
            throw new ArgumentNullException(nameof(jobs));
        }

        options ??= new WaitOptions();
        var clock = Stopwatch.StartNew();
        var deadline = options.Timeout;
        var pending = new Dictionary<string, PendingJob>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var sweepList = true;
        while (true)
        {
            var now = clock.Elapsed;
            var added = jobs.TakeAdded(out var complete, out var whenAdded);
            foreach (var job in added)
            {
                // The same job given twice is waited for, and written, once.
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
                pending[job.Id] = new PendingJob(job, now + (known ? options.PollInterval : TimeSpan.Zero));
            }

            if (pending.Count == 0 && complete)
            {
                yield break;
            }

            if (now >= deadline)
            {
                foreach (var job in pending.Values)
                {
                    yield return new WaitUpdate(WaitUpdateKind.TimedOut, job.Video.Id, job.Video);
                }

                yield break;
            }

            var due = pending.Values.Where(j => j.NextPollAt <= now).ToList();
            if (due.Count == 0)
            {
                // Sleep until the next poll is due, the time is up, or a job is added.
                var next = pending.Count == 0 ? deadline : pending.Values.Min(j => j.NextPollAt);
                var sleep = (next < deadline ? next : deadline) - now;
                await SleepAsync(sleep > TimeSpan.Zero ? sleep : TimeSpan.FromMilliseconds(1), complete ? null : whenAdded, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var results = new List<(PendingJob Job, ApiResult<SoraVideo>? Result, Exception? Error)>();
            if (sweepList && due.Count >= ListSweepThreshold)
            {
                var swept = await SweepListAsync(due, cancellationToken).ConfigureAwait(false);
                if (swept is null)
                {
                    sweepList = false; // this server's list cannot answer; retrieve one by one from now on
                }
                else
                {
                    results.AddRange(due.Where(j => swept.ContainsKey(j.Video.Id)).Select(j => (j, (ApiResult<SoraVideo>?)swept[j.Video.Id], (Exception?)null)));
                    due = due.Where(j => !swept.ContainsKey(j.Video.Id)).ToList();
                }
            }

            var polls = due.Take(options.MaxConcurrentPolls).Select(j => PollAsync(j, cancellationToken)).ToList();
            await Task.WhenAll(polls).ConfigureAwait(false);
            results.AddRange(polls.Select(p => p.Result));
            var polledAt = clock.Elapsed;
            foreach (var (job, result, error) in results)
            {
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

                // The interval counts from when the poll was due, not from when the round ended, so a slow
                // round does not push every job's next look out; the server's delay counts from its answer.
                var byInterval = job.NextPollAt + options.PollInterval;
                var byServer = polledAt + (result.Value.PollAfter ?? TimeSpan.Zero);
                job.NextPollAt = byInterval > byServer ? byInterval : byServer;
                if (changed)
                {
                    yield return new WaitUpdate(WaitUpdateKind.Progress, video.Id, video);
                }
            }
        }
    }

    /// <summary>Waits for <paramref name="time"/>, or less when <paramref name="interruption"/> completes first.</summary>
    private static async Task SleepAsync(TimeSpan time, Task? interruption, CancellationToken cancellationToken)
    {
        if (interruption is null)
        {
            await Task.Delay(time, cancellationToken).ConfigureAwait(false);
            return;
        }

        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(time, wake.Token);
        var first = await Task.WhenAny(delay, interruption).ConfigureAwait(false);
        wake.Cancel();
        cancellationToken.ThrowIfCancellationRequested();
        if (first == delay)
        {
            await delay.ConfigureAwait(false);
        }
        else
        {
            // The timer was stopped: observe its cancellation so it is never reported as unobserved.
            _ = delay.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// Reads the job list newest first until every due job was seen, the list is older than the oldest
    /// of them, or the page limit is reached. Returns what it found, or null when the list cannot answer
    /// for the jobs: it fails (some gateways do not serve it), it does not say whether more follows, or
    /// its cursors are not the ids it lists (a gateway that re-encodes ids but not cursors). The caller
    /// then retrieves jobs one by one.
    /// </summary>
    private async Task<Dictionary<string, ApiResult<SoraVideo>>?> SweepListAsync(IReadOnlyCollection<PendingJob> due, CancellationToken cancellationToken)
    {
        var wanted = new HashSet<string>(due.Select(j => j.Video.Id), StringComparer.Ordinal);
        var oldest = due.Any(j => j.Video.CreatedAt is null) ? (DateTimeOffset?)null : due.Min(j => j.Video.CreatedAt);
        var found = new Dictionary<string, ApiResult<SoraVideo>>(StringComparer.Ordinal);
        string? after = null;
        try
        {
            for (var page = 0; page < MaxSweepPages && found.Count < wanted.Count; page++)
            {
                var result = await client.ListVideosWithPollHintAsync(
                    new ListVideosQuery { Limit = ListVideosQuery.WalkPageSize, Order = ListOrder.Desc, After = after }, cancellationToken).ConfigureAwait(false);
                var list = result.Value;
                if (list.HasMore is null || !CursorsAreIds(list))
                {
                    return null;
                }

                foreach (var video in list.Data.Where(v => wanted.Contains(v.Id)))
                {
                    found[video.Id] = new ApiResult<SoraVideo>(video, result.PollAfter, result.RequestId);
                }

                var last = list.Data.Count > 0 ? list.Data[list.Data.Count - 1] : null;
                if (list.HasMore != true || last is null || last.Id == after || (oldest is { } o && last.CreatedAt < o))
                {
                    break;
                }

                after = last.Id;
            }
        }
        catch (SoraApiException)
        {
            return null;
        }

        return found;
    }

    private static bool CursorsAreIds(SoraVideoPage page) =>
        page.Data.Count == 0
        || ((page.FirstId is null || string.Equals(page.FirstId, page.Data[0].Id, StringComparison.Ordinal))
            && (page.LastId is null || string.Equals(page.LastId, page.Data[page.Data.Count - 1].Id, StringComparison.Ordinal)));

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
