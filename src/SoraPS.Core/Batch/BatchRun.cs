using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace SoraPS.Core.Batch;

/// <summary>
/// One run of a batch. A creator sends the creates one at a time, never with more than ThrottleLimit
/// jobs created and unfinished; one <see cref="VideoWaiter"/> loop waits for every job, taking each in as
/// it is created; completed jobs are downloaded a few at a time. Every step is preceded by its journal
/// record, so that a run stopped anywhere (Ctrl+C, a kill, a power cut) is continued by the next one.
/// </summary>
internal sealed class BatchRun : IDisposable
{
    private static readonly TimeSpan FirstBusyPause = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan LongestBusyPause = TimeSpan.FromSeconds(60);

    private readonly SoraClient client;
    private readonly BatchJournal journal;
    private readonly BatchSettings settings;
    private readonly IBatchObserver observer;
    private readonly IReadOnlyList<PreparedRow> rows;
    private readonly object gate = new();
    private readonly VideoWaitSet waitSet = new();
    private readonly Dictionary<string, RowRun> byVideoId = new(StringComparer.Ordinal);
    private readonly List<RowRun> runs;
    private readonly List<Task> downloads = [];
    private readonly List<SoraBatchResult> results = [];
    private readonly SemaphoreSlim downloadSlots;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private TaskCompletionSource<bool> slotFreed = NewSignal();
    private CancellationTokenSource? abort;
    private TimeSpan createsPausedUntil;
    private int unfinished;
    private int downloading;
    private int ended;
    private int failed;

    public BatchRun(SoraClient client, BatchJournal journal, BatchSettings settings, IBatchObserver observer, IReadOnlyList<PreparedRow> rows)
    {
        this.client = client;
        this.journal = journal;
        this.settings = settings;
        this.observer = observer;
        this.rows = rows;
        runs = rows.Select(r => new RowRun(r)).ToList();
        downloadSlots = new SemaphoreSlim(settings.MaxConcurrentDownloads);
    }

    private ISoraDiagnostics Log => client.Log;

    private bool TimeIsOver => clock.Elapsed >= settings.Timeout;

    /// <summary>What the journal says a row needs next.</summary>
    public static BatchStep StepOf(JournalRowState? state, BatchSettings settings)
    {
        if (state is null || (!state.IsCreated && !state.CreateInDoubt))
        {
            return BatchStep.Create;
        }

        if (!state.IsCreated)
        {
            return BatchStep.FindLostJob;
        }

        if (state.Finish is null)
        {
            return BatchStep.Wait;
        }

        return VideoStatus.IsCompleted(state.Finish.Status) && settings.Variants.Any(v => !IsSaved(state, v, settings.OutputPath))
            ? BatchStep.Download
            : BatchStep.Done;
    }

    /// <summary>Runs every row to its end; returns the results in row order. Throws when cancelled.</summary>
    public async Task<IReadOnlyList<SoraBatchResult>> RunAsync(CancellationToken userStop)
    {
        // Cancelled by the user, or by a failure that leaves nothing to do (the journal cannot be written,
        // the key is refused): every part of the run then stops, and the first real failure is thrown.
        using var aborting = CancellationTokenSource.CreateLinkedTokenSource(userStop);
        abort = aborting;
        var stop = aborting.Token;
        using var timeUp = new CancellationTokenSource(settings.Timeout);
        using var timed = CancellationTokenSource.CreateLinkedTokenSource(stop, timeUp.Token);
        var creates = new List<RowRun>();
        var lost = new List<RowRun>();
        foreach (var run in runs)
        {
            var state = journal.Find(run.Row.Key);
            switch (StepOf(state, settings))
            {
                case BatchStep.Done:
                    End(run, FromJournal(run));
                    break;
                case BatchStep.Download:
                    StartDownload(run, FinishedVideo(state!), stop);
                    break;
                case BatchStep.Wait:
                    Track(run, new SoraVideo { Id = state!.VideoId! }, holdsPlace: false);
                    break;
                case BatchStep.FindLostJob:
                    lost.Add(run);
                    break;
                default:
                    creates.Add(run);
                    break;
            }
        }

        Log.Verbose($"Batch of {rows.Count} rows: {creates.Count} to create, {lost.Count} whose create's answer was lost, "
            + $"{unfinished} to wait for, {downloading} to download, {ended} done already.");
        ReportProgress();
        var failures = new List<Exception>();
        var watching = Task.Run(() => WatchAsync(stop), CancellationToken.None);
        try
        {
            creates.InsertRange(0, await FindLostAsync(lost, stop).ConfigureAwait(false));
            await CreateAllAsync(creates, timed.Token, stop).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            failures.Add(e);
            aborting.Cancel();
        }
        finally
        {
            waitSet.Complete();
        }

        // Whatever stopped the creates, the waits and downloads under way end before the run does.
        try
        {
            await watching.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            failures.Add(e);
        }

        Task[] pending;
        lock (gate)
        {
            pending = downloads.ToArray();
        }

        try
        {
            await Task.WhenAll(pending).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            failures.AddRange(pending.Where(t => t.IsFaulted).Select(t => t.Exception!.GetBaseException()).DefaultIfEmpty(e));
        }

        userStop.ThrowIfCancellationRequested();
        if (failures.FirstOrDefault(e => e is not OperationCanceledException) is { } failure)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }

        // A job created just as the time ran out may not have been waited for.
        foreach (var run in runs.Where(r => !r.Ended))
        {
            End(run, FromJournal(run, run.Video?.Status ?? BatchStatus.NotStarted, TimeIsUp(run)));
        }

        lock (gate)
        {
            return results.OrderBy(r => r.Row).ToList();
        }
    }

    private async Task<List<RowRun>> FindLostAsync(List<RowRun> lost, CancellationToken stop)
    {
        var again = new List<RowRun>();
        if (lost.Count == 0)
        {
            return again;
        }

        // A lost create may be a job running on the server: it holds its place under the limit while it is looked for.
        lock (gate)
        {
            unfinished += lost.Count;
        }

        var search = await LostJobFinder.FindAsync(
            client, lost.Select(r => new LostCreate(r.Row, journal.Find(r.Row.Key)!.AttemptAt!.Value)).ToList(), KnownIds(), settings.ClockSkew, stop).ConfigureAwait(false);
        foreach (var run in lost)
        {
            if (search.Found.TryGetValue(run.Row.Key, out var video))
            {
                Adopt(run, video);
                continue;
            }

            ReleaseSlot();
            if (settings.RetryUnknown)
            {
                Log.Verbose($"Row {run.Row.Number}: the job of its lost create was not found; it is created again (-RetryUnknown).");
                again.Add(run);
            }
            else
            {
                End(run, FromJournal(run, BatchStatus.Unknown, LostMessage("A create was sent in an earlier run and its answer never came", search)));
            }
        }

        return again;
    }

    private async Task CreateAllAsync(List<RowRun> creates, CancellationToken timed, CancellationToken stop)
    {
        var busyPause = FirstBusyPause;
        foreach (var run in creates)
        {
            if (timed.IsCancellationRequested || TimeIsOver)
            {
                stop.ThrowIfCancellationRequested();
                End(run, FromJournal(run, BatchStatus.NotStarted, NotStartedMessage()));
                continue;
            }

            try
            {
                await AcquireSlotAsync(timed).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                End(run, FromJournal(run, BatchStatus.NotStarted, NotStartedMessage()));
                continue;
            }

            busyPause = await CreateAsync(run, busyPause, timed, stop).ConfigureAwait(false);
        }
    }

    /// <summary>Creates one row's job, holding a place under the limit; returns the pause for the next busy answer.</summary>
    private async Task<TimeSpan> CreateAsync(RowRun run, TimeSpan busyPause, CancellationToken timed, CancellationToken stop)
    {
        var retriedUnknown = false;
        while (true)
        {
            try
            {
                await WaitUntilCreatesMayGoOnAsync(timed).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                ReleaseSlot();
                End(run, FromJournal(run, BatchStatus.NotStarted, NotStartedMessage()));
                return busyPause;
            }

            // The run's own clock decides, the same one the waiter's time limit was taken from: a place freed
            // by a job that ran out of time must not start another.
            if (TimeIsOver)
            {
                ReleaseSlot();
                End(run, FromJournal(run, BatchStatus.NotStarted, NotStartedMessage()));
                return busyPause;
            }

            var sentAt = DateTimeOffset.UtcNow;
            journal.Append(new JournalRecord { Type = JournalRecord.Creating, Key = run.Row.Key, Row = run.Row.Number, Fingerprint = run.Row.Fingerprint, At = sentAt });
            SoraVideo video;
            try
            {
                // Never cut off by the batch's time: a create stopped half-way would leave its outcome unknown.
                video = await client.CreateVideoAsync(run.Row.Request, stop).ConfigureAwait(false);
            }
            catch (SoraApiException e) when (IsBusy(e))
            {
                journal.Append(Rejection(run, e));
                var pause = e.RetryAfter is { } asked && asked > TimeSpan.Zero ? asked : busyPause;
                PauseCreates(pause);
                Log.Verbose($"Row {run.Row.Number}: the server is busy ({(int)e.StatusCode!.Value}); creates pause for {Seconds(pause)}, then the row is sent again.");
                busyPause = TimeSpan.FromTicks(Math.Min(LongestBusyPause.Ticks, busyPause.Ticks * 2));
                continue;
            }
            catch (SoraApiException e) when (StopsTheBatch(e))
            {
                journal.Append(Rejection(run, e));
                ReleaseSlot();
                throw;
            }
            catch (SoraApiException e) when (e.StatusCode is { } status && (int)status >= 400 && (int)status < 500)
            {
                // The server answered: it made no job, and a later run may try the row again.
                journal.Append(Rejection(run, e));
                ReleaseSlot();
                End(run, FromJournal(run, BatchStatus.Refused, e.Message, e.ErrorCode));
                return busyPause;
            }
            catch (SoraApiException e)
            {
                // No answer, a broken one or a server error: the job may exist. Look for it before anything else.
                Log.Verbose($"Row {run.Row.Number}: the create's answer was lost ({e.Message}); looking for its job on the server.");
                await Task.Delay(settings.LostAnswerGrace, stop).ConfigureAwait(false);
                var search = await LostJobFinder.FindAsync(client, [new LostCreate(run.Row, sentAt)], KnownIds(), settings.ClockSkew, stop).ConfigureAwait(false);
                if (search.Found.TryGetValue(run.Row.Key, out var found))
                {
                    Adopt(run, found);
                    return busyPause;
                }

                if (settings.RetryUnknown && !retriedUnknown)
                {
                    retriedUnknown = true;
                    Log.Verbose($"Row {run.Row.Number}: no job was found for the lost create; it is sent once more (-RetryUnknown).");
                    continue;
                }

                ReleaseSlot();
                End(run, FromJournal(run, BatchStatus.Unknown, LostMessage($"The create's answer was lost ({e.Message.TrimEnd('.')})", search)));
                return busyPause;
            }

            journal.Append(new JournalRecord { Type = JournalRecord.Created, Key = run.Row.Key, Id = video.Id, At = DateTimeOffset.UtcNow });
            Log.Verbose($"Row {run.Row.Number}: created {video.Id}.");
            Track(run, video);
            return FirstBusyPause;
        }
    }

    private async Task WatchAsync(CancellationToken stop)
    {
        try
        {
            await FollowAsync(stop).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            abort!.Cancel();
            throw;
        }
    }

    private async Task FollowAsync(CancellationToken stop)
    {
        var left = settings.Timeout - clock.Elapsed;
        var options = new WaitOptions { Timeout = left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1), PollInterval = settings.PollInterval };
        await foreach (var update in new VideoWaiter(client).WaitAsync(waitSet, options, stop).ConfigureAwait(false))
        {
            RowRun run;
            lock (gate)
            {
                run = byVideoId[update.VideoId];
            }

            run.Video = update.Video ?? run.Video;
            switch (update.Kind)
            {
                case WaitUpdateKind.Progress:
                    continue;
                case WaitUpdateKind.Finished:
                    var video = update.Video!;
                    journal.Append(new JournalRecord
                    {
                        Type = JournalRecord.Finished,
                        Key = run.Row.Key,
                        Id = video.Id,
                        Status = video.Status,
                        ErrorCode = video.Error?.Code,
                        Error = video.Error?.Message,
                        Model = video.Model,
                        Seconds = video.Seconds,
                        Size = video.Size,
                        At = DateTimeOffset.UtcNow,
                    });
                    ReleaseSlot();
                    if (video.IsCompleted)
                    {
                        StartDownload(run, video, stop);
                    }
                    else
                    {
                        End(run, FromJournal(run));
                    }

                    break;
                case WaitUpdateKind.TimedOut:
                    ReleaseSlot();
                    End(run, FromJournal(run, run.Video?.Status ?? BatchStatus.Unknown, TimeIsUp(run)));
                    break;
                default:
                    ReleaseSlot();
                    End(run, FromJournal(run, string.IsNullOrEmpty(run.Video?.Status) ? BatchStatus.Unknown : run.Video!.Status,
                        $"The job {update.VideoId} could not be followed: {update.Error?.Message}"));
                    break;
            }
        }
    }

    /// <summary>Saves the variants the row lacks, one download after the other, a few rows at a time.</summary>
    private void StartDownload(RowRun run, SoraVideo video, CancellationToken stop)
    {
        lock (gate)
        {
            downloading++;
            downloads.Add(Task.Run(
                async () =>
                {
                    try
                    {
                        await DownloadAsync(run, video, stop).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        abort!.Cancel();
                        throw;
                    }
                },
                CancellationToken.None));
        }

        ReportProgress();
    }

    private async Task DownloadAsync(RowRun run, SoraVideo video, CancellationToken stop)
    {
        var left = settings.Timeout - clock.Elapsed;
        using var timeUp = new CancellationTokenSource(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1));
        using var timed = CancellationTokenSource.CreateLinkedTokenSource(stop, timeUp.Token);
        var acquired = false;
        try
        {
            await downloadSlots.WaitAsync(timed.Token).ConfigureAwait(false);
            acquired = true;
            var downloader = new ContentDownloader(client);
            var folder = DownloadTarget.Folder(settings.OutputPath);
            foreach (var variant in settings.Variants)
            {
                var state = journal.Find(run.Row.Key)!;
                if (IsSaved(state, variant, settings.OutputPath))
                {
                    continue;
                }

                // Resume: a download cut off (by a kill, too) is continued by the next run. Overwrite: a
                // file of this job that the journal does not vouch for is replaced, once the new one is whole.
                var file = await downloader.DownloadAsync(video.Id, variant, folder, new DownloadOptions { Overwrite = true, Resume = true }, timed.Token)
                    .ConfigureAwait(false);
                file.Refresh();
                journal.Append(new JournalRecord
                {
                    Type = JournalRecord.Saved,
                    Key = run.Row.Key,
                    Id = video.Id,
                    Variant = VariantNames.Of(variant),
                    File = BatchPaths.RelativeInside(settings.OutputPath, file.FullName) ?? file.FullName,
                    Length = file.Length,
                    Sha256 = BatchRowKey.HashFile(file.FullName),
                    At = DateTimeOffset.UtcNow,
                });
            }

            End(run, FromJournal(run));
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            End(run, FromJournal(run, null, $"The batch's time (-TimeoutSec {settings.Timeout.TotalSeconds:0}) ran out before every file of {video.Id} was saved. "
                + "What arrived is kept: run the same command again to finish the download."));
        }
        catch (Exception e) when (e is SoraApiException or IOException or UnauthorizedAccessException && e is not SoraJournalException)
        {
            End(run, FromJournal(run, null, $"The download of {video.Id} failed: {e.Message} Run the same command again to try once more."));
        }
        finally
        {
            if (acquired)
            {
                downloadSlots.Release();
            }

            lock (gate)
            {
                downloading--;
            }

            ReportProgress();
        }
    }

    private void Adopt(RowRun run, SoraVideo video)
    {
        journal.Append(new JournalRecord { Type = JournalRecord.Created, Key = run.Row.Key, Id = video.Id, Adopted = true, At = DateTimeOffset.UtcNow });
        Log.Verbose($"Row {run.Row.Number}: its lost create made {video.Id} ({video.Status}), found on the server; no second job is created.");
        Track(run, video);
    }

    /// <summary>
    /// Waits for the job; it counts as unfinished until the waiter says it finished. A job just created (or
    /// found) takes over the place its create held under the limit; one from an earlier run takes a new one.
    /// </summary>
    private void Track(RowRun run, SoraVideo video, bool holdsPlace = true)
    {
        lock (gate)
        {
            byVideoId[video.Id] = run;
            run.Video = video;
            if (!holdsPlace)
            {
                unfinished++;
            }
        }

        waitSet.Add(video);
        ReportProgress();
    }

    private void End(RowRun run, SoraBatchResult result)
    {
        lock (gate)
        {
            if (run.Ended)
            {
                return;
            }

            run.Ended = true;

            // The job as last seen holds the server's copy of the prompt: an ended row needs it no more.
            run.Video = null;
            ended++;
            if (!result.Succeeded)
            {
                failed++;
            }

            results.Add(result);
        }

        observer.RowEnded(result);
        ReportProgress();
    }

    /// <summary>
    /// A row's result, built from its journal records alone, so that a later run reports a finished row
    /// exactly as this one did. <paramref name="status"/> and <paramref name="error"/> tell how a row that
    /// did not finish ended in this run.
    /// </summary>
    private SoraBatchResult FromJournal(RowRun run, string? status = null, string? error = null, string? errorCode = null)
    {
        var row = run.Row;
        var state = journal.Find(row.Key);
        var finish = state?.Finish;
        var files = new List<SavedFile>();
        DateTimeOffset? lastSaved = null;
        foreach (var variant in settings.Variants)
        {
            if (state is not null && IsSaved(state, variant, settings.OutputPath))
            {
                var record = state.Saved[variant];
                files.Add(new SavedFile(variant, new FileInfo(Path.Combine(settings.OutputPath, record.File!))));
                lastSaved = lastSaved is { } seen && seen > record.At ? seen : record.At;
            }
        }

        var jobFailed = finish is not null && !VideoStatus.IsCompleted(finish.Status);
        var allSaved = files.Count == settings.Variants.Count;
        if (error is null && finish is not null && !jobFailed && !allSaved)
        {
            error = "Not every file was saved. Run the same command again to save the rest.";
        }

        return new SoraBatchResult(row.Number, row.Key, row.Request.Prompt)
        {
            Name = row.Name,
            VideoId = state?.VideoId ?? run.Video?.Id,
            Status = status ?? finish?.Status ?? run.Video?.Status ?? BatchStatus.NotStarted,
            Error = error ?? (jobFailed ? JobFailure(finish!) : null),
            ErrorCode = errorCode ?? (jobFailed ? finish!.ErrorCode : null),
            Model = finish?.Model ?? run.Video?.Model,
            Seconds = finish?.Seconds ?? run.Video?.Seconds,
            Size = finish?.Size ?? run.Video?.Size,
            Adopted = state?.Adopted == true,
            StartedAt = state?.StartedAt,
            EndedAt = error is null ? (jobFailed || !allSaved ? finish?.At : lastSaved ?? finish?.At) : DateTimeOffset.UtcNow,
            SavedFiles = files,
        };
    }

    private static string JobFailure(JournalRecord finish)
    {
        var how = VideoStatus.Failed.Equals(finish.Status, StringComparison.OrdinalIgnoreCase) ? "failed" : $"ended {finish.Status} without a video";
        var reason = finish.Error is null && finish.ErrorCode is null
            ? "the server gave no reason"
            : new SoraVideoError { Code = finish.ErrorCode, Message = finish.Error }.ToString();
        return $"The job {how}: {reason.TrimEnd('.')}.";
    }

    /// <summary>Saved whole, as the journal says, and still there with the length it had.</summary>
    private static bool IsSaved(JournalRowState state, VideoVariant variant, string outputPath)
    {
        if (!state.Saved.TryGetValue(variant, out var record) || record.File is null)
        {
            return false;
        }

        var file = new FileInfo(Path.Combine(outputPath, record.File));
        return file.Exists && file.Length == record.Length;
    }

    private static SoraVideo FinishedVideo(JournalRowState state) => new()
    {
        Id = state.VideoId!,
        Status = state.Finish!.Status ?? VideoStatus.Completed,
        Model = state.Finish.Model,
        Seconds = state.Finish.Seconds,
        Size = state.Finish.Size,
    };

    private HashSet<string> KnownIds()
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (journal.Find(row.Key)?.VideoId is { } id)
            {
                known.Add(id);
            }
        }

        lock (gate)
        {
            known.UnionWith(byVideoId.Keys);
        }

        return known;
    }

    private async Task AcquireSlotAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task freed;
            lock (gate)
            {
                if (unfinished < settings.ThrottleLimit)
                {
                    unfinished++;
                    return;
                }

                freed = slotFreed.Task;
            }

            await WhenAsync(freed, cancellationToken).ConfigureAwait(false);
        }
    }

    private void ReleaseSlot()
    {
        TaskCompletionSource<bool> signal;
        lock (gate)
        {
            unfinished--;
            signal = slotFreed;
            slotFreed = NewSignal();
        }

        signal.TrySetResult(true);
        ReportProgress();
    }

    /// <summary>Holds every create back for a while (the server said it is busy).</summary>
    private void PauseCreates(TimeSpan pause)
    {
        lock (gate)
        {
            var until = clock.Elapsed + pause;
            if (until > createsPausedUntil)
            {
                createsPausedUntil = until;
            }
        }
    }

    private async Task WaitUntilCreatesMayGoOnAsync(CancellationToken cancellationToken)
    {
        TimeSpan wait;
        lock (gate)
        {
            wait = createsPausedUntil - clock.Elapsed;
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    private void ReportProgress()
    {
        BatchProgress progress;
        lock (gate)
        {
            progress = new BatchProgress(rows.Count, ended, failed, Math.Max(0, unfinished), downloading);
        }

        observer.Progress(progress);
    }

    private static JournalRecord Rejection(RowRun run, SoraApiException e) => new()
    {
        Type = JournalRecord.Rejected,
        Key = run.Row.Key,
        HttpStatus = e.StatusCode is { } status ? (int)status : null,
        ErrorCode = e.ErrorCode,
        Error = e.ApiMessage,
        At = DateTimeOffset.UtcNow,
    };

    /// <summary>Turned away before any work: a 429 (but a spent quota, which no wait fixes) or a 503.</summary>
    private static bool IsBusy(SoraApiException e) =>
        (e.StatusCode == (HttpStatusCode)429 && !string.Equals(e.ErrorCode, "insufficient_quota", StringComparison.OrdinalIgnoreCase))
        || e.StatusCode == HttpStatusCode.ServiceUnavailable;

    /// <summary>What no other row could get past either: the key or the token.</summary>
    private static bool StopsTheBatch(SoraApiException e) =>
        e.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden || e.ErrorCode == "token_expired";

    private string NotStartedMessage() =>
        $"The batch's time (-TimeoutSec {settings.Timeout.TotalSeconds:0}) ran out before this row's turn; nothing was sent for it. Run the same command again to continue.";

    private string TimeIsUp(RowRun run) =>
        $"The batch's time (-TimeoutSec {settings.Timeout.TotalSeconds:0}) ran out while the job {run.Video?.Id} was {(string.IsNullOrEmpty(run.Video?.Status) ? "being made" : run.Video!.Status)}; "
        + "it may still be running on the server. Run the same command again to continue: the job is not created again.";

    private static string LostMessage(string what, LostJobSearch search) =>
        what + (search.CouldNotSearch is null
            ? ", and no job with this prompt made at that time was found on the server."
            : $", and the job could not be looked for: {search.CouldNotSearch}.")
        + " The row was not created again, so as not to pay twice: check the server's jobs (Get-SoraVideo -All), "
        + "and run the same command with -RetryUnknown to create it again.";

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

    private static async Task WhenAsync(Task task, CancellationToken cancellationToken)
    {
        if (!task.IsCompleted)
        {
            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellationToken.Register(() => cancelled.TrySetResult(true)))
            {
                await Task.WhenAny(task, cancelled.Task).ConfigureAwait(false);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private static TaskCompletionSource<bool> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Dispose() => downloadSlots.Dispose();

    private sealed class RowRun
    {
        public RowRun(PreparedRow row)
        {
            Row = row;
        }

        public PreparedRow Row { get; }

        /// <summary>The job as last seen.</summary>
        public SoraVideo? Video { get; set; }

        public bool Ended { get; set; }
    }
}
