using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace SoraPS.Emulator.State;

/// <summary>What a new job is made of.</summary>
internal sealed record JobSpec(string Model, string Prompt, string Size, string Seconds, string? RemixedFromVideoId = null);

/// <summary>One page of a listing.</summary>
internal sealed record JobPage(IReadOnlyList<VideoJob> Items, bool HasMore);

/// <summary>All jobs, in creation order. One lock keeps the order, the index and the counters consistent.</summary>
internal sealed class VideoStore(TimeSpan defaultRenderTime, TimeProvider clock, IJobRules rules)
{
    private readonly object _gate = new();
    private readonly List<VideoJob> _ordered = [];
    private readonly Dictionary<string, VideoJob> _byId = new(StringComparer.Ordinal);

    // Sequence of every upstream id ever issued, deleted ones included, so that a client deleting
    // what it lists can still page on with after=<deleted id>. Upstream ids, because the list's
    // cursor is the provider's, even where a gateway shows other ids in the list's data.
    private readonly Dictionary<string, long> _cursors = new(StringComparer.Ordinal);
    private readonly UnfinishedJobs _unfinished = new();
    private long _nextSequence;
    private int _jobsCreated;
    private int _seeded;

    public DateTimeOffset Now => clock.GetUtcNow();

    public int JobsCreated
    {
        get
        {
            lock (_gate)
            {
                return _jobsCreated;
            }
        }
    }

    /// <summary>The counters, read together under the lock so that they agree.</summary>
    public EmulatorStats Stats
    {
        get
        {
            lock (_gate)
            {
                return new EmulatorStats(_jobsCreated, _ordered.Count, _unfinished.CountAt(Now), _unfinished.Peak);
            }
        }
    }

    public IReadOnlyCollection<string> Ids
    {
        get
        {
            lock (_gate)
            {
                return _ordered.Select(j => j.Id).ToArray();
            }
        }
    }

    /// <summary>Creates a job as a POST does (counted in <see cref="JobsCreated"/>).</summary>
    public VideoJob Create(JobSpec spec)
    {
        var triggers = PromptTriggers.Parse(spec.Prompt);
        lock (_gate)
        {
            _jobsCreated++;
            var job = Add(spec, Now, triggers.RenderTime ?? defaultRenderTime, triggers);
            _unfinished.Created(job);
            return job;
        }
    }

    /// <summary>Adds <paramref name="count"/> jobs that are already completed (not counted as created, never unfinished).</summary>
    public void Seed(int count)
    {
        var createdAt = Now - TimeSpan.FromMinutes(2);
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _seeded++;
                var prompt = string.Create(CultureInfo.InvariantCulture, $"Seeded video {_seeded}");
                Add(new JobSpec("sora-2", prompt, "720x1280", "4"), createdAt, TimeSpan.FromMinutes(1), PromptTriggers.None);
            }
        }
    }

    /// <summary>A job by the id clients see.</summary>
    public VideoJob? Find(string id)
    {
        lock (_gate)
        {
            return _byId.GetValueOrDefault(id);
        }
    }

    public void Remove(VideoJob job)
    {
        lock (_gate)
        {
            if (_byId.Remove(job.Id))
            {
                _ordered.RemoveAt(IndexAfter(job.Sequence - 1));
                _unfinished.Deleted(job);
            }
        }
    }

    /// <summary>A page in creation order; null when <paramref name="after"/> was never issued as an upstream id.</summary>
    public JobPage? List(int limit, bool ascending, string? after)
    {
        lock (_gate)
        {
            long? cursor = null;
            if (after is not null)
            {
                if (!_cursors.TryGetValue(after, out var sequence))
                {
                    return null;
                }

                cursor = sequence;
            }

            var items = new List<VideoJob>(Math.Min(limit, _ordered.Count));
            if (ascending)
            {
                var start = cursor is { } c ? IndexAfter(c) : 0;
                for (var i = start; i < _ordered.Count && items.Count < limit; i++)
                {
                    items.Add(_ordered[i]);
                }

                return new JobPage(items, start + items.Count < _ordered.Count);
            }
            else
            {
                var start = (cursor is { } c ? IndexAfter(c - 1) : _ordered.Count) - 1;
                for (var i = start; i >= 0 && items.Count < limit; i--)
                {
                    items.Add(_ordered[i]);
                }

                return new JobPage(items, start - items.Count >= 0);
            }
        }
    }

    private VideoJob Add(JobSpec spec, DateTimeOffset createdAt, TimeSpan renderTime, PromptTriggers triggers)
    {
        var sequence = ++_nextSequence;
        var identity = rules.Identify(spec, sequence);
        var job = new VideoJob
        {
            Id = identity.Id,
            UpstreamId = identity.UpstreamId,
            Sequence = sequence,
            Model = spec.Model,
            Prompt = spec.Prompt,
            Size = spec.Size,
            Seconds = spec.Seconds,
            RemixedFromVideoId = spec.RemixedFromVideoId,
            CreatedAt = createdAt,
            RenderTime = renderTime,
            Triggers = triggers,
            Outcome = rules.Outcome(triggers),
        };
        _ordered.Add(job);
        _byId.Add(job.Id, job);
        _cursors.Add(job.UpstreamId, job.Sequence);
        return job;
    }

    /// <summary>Index of the first job whose sequence is greater than <paramref name="sequence"/>.</summary>
    private int IndexAfter(long sequence)
    {
        int low = 0, high = _ordered.Count;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (_ordered[mid].Sequence <= sequence)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }
}
