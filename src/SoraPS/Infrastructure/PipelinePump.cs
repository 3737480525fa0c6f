using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

namespace SoraPS.Infrastructure;

/// <summary>
/// Runs actions posted from any thread on the one thread that waits: PowerShell allows its streams
/// (Verbose, Debug, Warning, Progress) to be written only from the pipeline thread, while the work
/// they report on runs on the thread pool.
/// </summary>
internal sealed class PipelinePump : IDisposable
{
    private readonly ConcurrentQueue<Action> pending = new();
    private readonly SemaphoreSlim signal = new(0);

    /// <summary>Queues <paramref name="action"/> for the waiting thread; safe from any thread.</summary>
    public void Post(Action action)
    {
        pending.Enqueue(action);
        signal.Release();
    }

    /// <summary>Waits for <paramref name="task"/>, running posted actions on this thread meanwhile.</summary>
    public T Await<T>(Task<T> task)
    {
        // The continuation only wakes the loop; it is not disposed, since it may still be running
        // when the loop sees the task completed.
        _ = task.ContinueWith(_ => signal.Release(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        while (!task.IsCompleted)
        {
            signal.Wait();
            Drain();
        }

        Drain();
        return task.GetAwaiter().GetResult();
    }

    public void Dispose() => signal.Dispose();

    private void Drain()
    {
        while (pending.TryDequeue(out var action))
        {
            action();
        }
    }
}
