using System;
using System.Collections.Generic;
using System.Management.Automation;

namespace SoraPS.Infrastructure;

/// <summary>The waiting loop's PowerShell side, shared by Wait-SoraVideo and New-SoraVideo -Wait.</summary>
public abstract class WaitingCmdlet : SoraCmdlet
{
    private const int ParentActivityId = 1;

    /// <summary>Total time to wait; jobs still running then are reported as errors (they keep running).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int TimeoutSec { get; set; } = (int)WaitOptions.DefaultTimeout.TotalSeconds;

    /// <summary>Shortest time between two polls of a job; the server's openai-poll-after-ms may lengthen it.</summary>
    [Parameter]
    [ValidateRange(0.05, 3600)]
    public double PollIntervalSec { get; set; } = WaitOptions.DefaultPollInterval.TotalSeconds;

    /// <summary>Waits for every job at once, writing each as it finishes, a failure as an error.</summary>
    private protected void WaitAndWrite(IReadOnlyList<SoraVideo> jobs)
    {
        var options = new WaitOptions
        {
            Timeout = TimeSpan.FromSeconds(TimeoutSec),
            PollInterval = TimeSpan.FromSeconds(PollIntervalSec),
        };
        var activityIds = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var job in jobs)
        {
            if (!activityIds.ContainsKey(job.Id))
            {
                activityIds[job.Id] = ParentActivityId + 1 + activityIds.Count;
            }
        }

        var total = activityIds.Count;
        var finished = 0;
        var throttle = new ProgressThrottle();
        var updates = new VideoWaiter(Client).WaitAsync(jobs, options, CancellationToken).GetAsyncEnumerator(CancellationToken);
        try
        {
            WriteParentProgress(finished, total);
            while (AwaitNext(updates))
            {
                var update = updates.Current;
                var video = update.Video ?? new SoraVideo { Id = update.VideoId };
                Session.Remember(video);
                switch (update.Kind)
                {
                    case WaitUpdateKind.Progress:
                        WriteJobProgress(activityIds[update.VideoId], video, completed: false);
                        if (throttle.ShouldWrite())
                        {
                            WriteParentProgress(finished, total);
                        }

                        continue;
                    case WaitUpdateKind.Finished when video.IsCompleted:
                        WriteObject(video);
                        break;
                    case WaitUpdateKind.Finished:
                        WriteError(ErrorRecords.JobFailed(video));
                        break;
                    case WaitUpdateKind.TimedOut:
                        WriteError(ErrorRecords.WaitTimedOut(video, options.Timeout));
                        break;
                    case WaitUpdateKind.Error:
                        WriteFailure(update.Error!, update.VideoId);
                        break;
                }

                finished++;
                WriteJobProgress(activityIds[update.VideoId], video, completed: true);
                WriteParentProgress(finished, total);
            }
        }
        finally
        {
            Await(updates.DisposeAsync().AsTask());
            var done = new ProgressRecord(ParentActivityId, Activity(total), "Done") { RecordType = ProgressRecordType.Completed };
            WriteProgress(done);
        }
    }

    private void WriteParentProgress(int finished, int total) =>
        WriteProgress(new ProgressRecord(ParentActivityId, Activity(total), $"{finished} of {total} finished")
        {
            PercentComplete = total == 0 ? 100 : finished * 100 / total,
        });

    private void WriteJobProgress(int activityId, SoraVideo video, bool completed)
    {
        var status = string.IsNullOrEmpty(video.Status) ? "unknown" : video.Status;
        WriteProgress(new ProgressRecord(activityId, $"Video job {video.Id}", video.Progress is { } percent ? $"{status}, {percent}%" : status)
        {
            ParentActivityId = ParentActivityId,

            // -1: no percentage, for a server that does not report one.
            PercentComplete = video.Progress is { } done ? Math.Max(0, Math.Min(100, done)) : -1,
            RecordType = completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        });
    }

    private static string Activity(int total) => total == 1 ? "Waiting for 1 video job" : $"Waiting for {total} video jobs";
}
