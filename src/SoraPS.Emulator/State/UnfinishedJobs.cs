using System;
using System.Collections.Generic;

namespace SoraPS.Emulator.State;

/// <summary>
/// How many jobs created by POSTs are unfinished now, and the most that ever were at once. Each job
/// counts from its creation until it finishes (or is deleted, whichever comes first); a job that
/// never finishes counts for ever. The count only rises at a creation, so the peak is taken there.
/// Not thread-safe: the store calls it under its lock, with times from its own clock.
/// </summary>
internal sealed class UnfinishedJobs
{
    private readonly PriorityQueue<VideoJob, DateTimeOffset> _byFinish = new();

    public int Peak { get; private set; }

    public void Created(VideoJob job)
    {
        DropFinishedBy(job.CreatedAt);

        // A job that finishes the moment it is created (no render time) is never unfinished.
        var finishesAt = job.FinishesAt ?? DateTimeOffset.MaxValue;
        if (finishesAt > job.CreatedAt)
        {
            _byFinish.Enqueue(job, finishesAt);
            Peak = Math.Max(Peak, _byFinish.Count);
        }
    }

    /// <summary>A deleted job stops counting, if it was still unfinished.</summary>
    public void Deleted(VideoJob job) => _byFinish.Remove(job, out _, out _, ReferenceEqualityComparer.Instance);

    public int CountAt(DateTimeOffset now)
    {
        DropFinishedBy(now);
        return _byFinish.Count;
    }

    private void DropFinishedBy(DateTimeOffset time)
    {
        while (_byFinish.TryPeek(out _, out var finishesAt) && finishesAt <= time)
        {
            _byFinish.Dequeue();
        }
    }
}
