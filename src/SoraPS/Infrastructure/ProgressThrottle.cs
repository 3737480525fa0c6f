using System;
using System.Diagnostics;

namespace SoraPS.Infrastructure;

/// <summary>Lets a progress bar update about once a second, like Invoke-WebRequest, plus first and last.</summary>
internal sealed class ProgressThrottle
{
    private readonly TimeSpan interval;
    private readonly Stopwatch clock = new();

    public ProgressThrottle(TimeSpan? interval = null)
    {
        this.interval = interval ?? TimeSpan.FromSeconds(1);
    }

    public bool ShouldWrite(bool force = false)
    {
        if (force || !clock.IsRunning || clock.Elapsed >= interval)
        {
            clock.Restart();
            return true;
        }

        return false;
    }
}
