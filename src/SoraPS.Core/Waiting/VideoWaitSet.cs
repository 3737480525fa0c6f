using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace SoraPS;

/// <summary>
/// The jobs one <see cref="VideoWaiter"/> loop waits for. Jobs can be added while the wait runs (a batch
/// adds each job as it creates it), and <see cref="Complete"/> says that no more will come: the wait then
/// ends once the jobs it has are finished. Safe to use from any thread.
/// </summary>
public sealed class VideoWaitSet
{
    private readonly object gate = new();
    private readonly Queue<SoraVideo> added = new();
    private TaskCompletionSource<bool> changed = NewSignal();
    private bool completed;

    public VideoWaitSet()
    {
    }

    /// <summary>A set of these jobs, to which nothing more will be added.</summary>
    public VideoWaitSet(IEnumerable<SoraVideo> jobs)
    {
        if (jobs is null)
        {
            throw new ArgumentNullException(nameof(jobs));
        }

        foreach (var job in jobs)
        {
            added.Enqueue(job);
        }

        completed = true;
    }

    /// <summary>Adds a job to wait for; one already finished is reported at once.</summary>
    public void Add(SoraVideo job)
    {
        if (job is null)
        {
            throw new ArgumentNullException(nameof(job));
        }

        TaskCompletionSource<bool> signal;
        lock (gate)
        {
            if (completed)
            {
                throw new InvalidOperationException("No job can be added to a wait set once it is complete.");
            }

            added.Enqueue(job);
            signal = changed;
            changed = NewSignal();
        }

        signal.TrySetResult(true);
    }

    /// <summary>Says that no more jobs will be added.</summary>
    public void Complete()
    {
        TaskCompletionSource<bool> signal;
        lock (gate)
        {
            if (completed)
            {
                return;
            }

            completed = true;
            signal = changed;
        }

        signal.TrySetResult(true);
    }

    /// <summary>Takes the jobs added since the last call; <paramref name="isComplete"/> tells whether more can come.</summary>
    internal List<SoraVideo> TakeAdded(out bool isComplete, out Task whenChanged)
    {
        lock (gate)
        {
            var jobs = new List<SoraVideo>(added);
            added.Clear();
            isComplete = completed;
            whenChanged = changed.Task;
            return jobs;
        }
    }

    // Continuations run on the thread pool, never inline in Add, which a caller may hold a lock around.
    private static TaskCompletionSource<bool> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
