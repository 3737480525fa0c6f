using System;
using System.Collections.Generic;

namespace SoraPS.Emulator;

/// <summary>The faults waiting to be applied, first added first matched.</summary>
public sealed class FaultSwitch
{
    private readonly object _gate = new();
    private readonly List<Armed> _faults = [];

    /// <summary>Arms <paramref name="fault"/> for its next <see cref="Fault.Count"/> matching requests.</summary>
    public void Add(Fault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        ArgumentException.ThrowIfNullOrWhiteSpace(fault.Method);
        ArgumentException.ThrowIfNullOrWhiteSpace(fault.PathPattern);
        ArgumentOutOfRangeException.ThrowIfLessThan(fault.Count, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(fault.AfterBytes);
        lock (_gate)
        {
            _faults.Add(new Armed(fault, fault.Count));
        }
    }

    /// <summary>Disarms every fault.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    /// <summary>Takes one use of the first fault that matches, if any.</summary>
    internal Fault? TryTake(string method, string path)
    {
        lock (_gate)
        {
            for (var i = 0; i < _faults.Count; i++)
            {
                var armed = _faults[i];
                if (!Matches(armed.Fault, method, path))
                {
                    continue;
                }

                armed.Remaining--;
                if (armed.Remaining == 0)
                {
                    _faults.RemoveAt(i);
                }

                return armed.Fault;
            }

            return null;
        }
    }

    private static bool Matches(Fault fault, string method, string path)
    {
        if (fault.Method != "*" && !string.Equals(fault.Method, method, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // An Azure-style base serves the same API under /openai/v1.
        return PathMatches(fault.PathPattern, path)
            || (path.StartsWith("/openai/", StringComparison.OrdinalIgnoreCase) && PathMatches(fault.PathPattern, path["/openai".Length..]));
    }

    private static bool PathMatches(string pattern, string path)
    {
        var expected = pattern.Trim('/').Split('/');
        var actual = path.Trim('/').Split('/');
        if (expected.Length != actual.Length)
        {
            return false;
        }

        for (var i = 0; i < expected.Length; i++)
        {
            var segment = expected[i] == "*"
                ? actual[i].Length > 0
                : string.Equals(expected[i], actual[i], StringComparison.OrdinalIgnoreCase);
            if (!segment)
            {
                return false;
            }
        }

        return true;
    }

    private sealed class Armed(Fault fault, int remaining)
    {
        public Fault Fault { get; } = fault;

        public int Remaining { get; set; } = remaining;
    }
}
