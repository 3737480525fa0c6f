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

    // Every job written passes through Remember: finding its older copy must not scan the list.
    private readonly Dictionary<string, LinkedListNode<SoraVideo>> recentById = new(System.StringComparer.Ordinal);
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
            Add(video);
        }
    }

    /// <summary>Remembers jobs in the order they are written (a listed page), taking the lock once.</summary>
    public void Remember(IReadOnlyList<SoraVideo> videos)
    {
        lock (gate)
        {
            foreach (var video in videos)
            {
                Add(video);
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
            if (recentById.TryGetValue(id, out var existing))
            {
                recentJobs.Remove(existing);
                recentById.Remove(id);
            }
        }
    }

    private void Add(SoraVideo video)
    {
        if (recentById.TryGetValue(video.Id, out var existing))
        {
            recentJobs.Remove(existing);
        }

        recentById[video.Id] = recentJobs.AddFirst(video);
        while (recentJobs.Count > MaxRememberedJobs)
        {
            recentById.Remove(recentJobs.Last!.Value.Id);
            recentJobs.RemoveLast();
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
