using System.Collections.Generic;
using System.Linq;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace SoraPS.Infrastructure;

/// <summary>
/// What one runspace knows: its connection and the jobs it has seen. Keyed by runspace, because Azure
/// Automation runs several jobs in one process and each must keep its own settings.
/// </summary>
internal sealed class SoraSession
{
    private const int MaxRememberedJobs = 500;

    private static readonly ConditionalWeakTable<Runspace, SoraSession> Sessions = new();

    private readonly object gate = new();
    private readonly LinkedList<SoraVideo> recentJobs = new();
    private readonly HashSet<string> notices = new(System.StringComparer.Ordinal);

    public SoraConnection? Connection { get; set; }

    /// <summary>The session of the runspace running the current command.</summary>
    public static SoraSession Current => Runspace.DefaultRunspace is { } runspace
        ? Sessions.GetValue(runspace, _ => new SoraSession())
        : Detached;

    /// <summary>Used only where no runspace is current (never during a cmdlet call).</summary>
    private static SoraSession Detached { get; } = new();

    /// <summary>Remembers a job for completion, newest first, replacing an older copy.</summary>
    public void Remember(SoraVideo video)
    {
        lock (gate)
        {
            var existing = recentJobs.FirstOrDefault(v => v.Id == video.Id);
            if (existing is not null)
            {
                recentJobs.Remove(existing);
            }

            recentJobs.AddFirst(video);
            while (recentJobs.Count > MaxRememberedJobs)
            {
                recentJobs.RemoveLast();
            }
        }
    }

    /// <summary>True the first time a notice is seen in this session, so each is shown once.</summary>
    public bool FirstNotice(string key)
    {
        lock (gate)
        {
            return notices.Add(key);
        }
    }

    public void Forget(string id)
    {
        lock (gate)
        {
            var existing = recentJobs.FirstOrDefault(v => v.Id == id);
            if (existing is not null)
            {
                recentJobs.Remove(existing);
            }
        }
    }

    public IReadOnlyList<SoraVideo> RecentJobs()
    {
        lock (gate)
        {
            return recentJobs.ToList();
        }
    }
}
