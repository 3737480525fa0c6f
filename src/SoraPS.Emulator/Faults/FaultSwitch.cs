using System;
using System.Collections.Generic;

namespace SoraPS.Emulator;

/// <summary>The faults waiting to be applied, first added first matched.</summary>
public sealed class FaultSwitch
{
    private readonly object _gate = new();
    private readonly List<Armed> _faults = [];

    // CorruptRange faults used up, kept until Clear: the request that took the last use may still
    // turn out not to get a 206, and its refund must re-arm the fault.
    private readonly List<Fault> _spent = [];

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
            _spent.Clear();
        }
    }

    /// <summary>
    /// Takes one use of the first fault that matches, if any. A CorruptRange fault matches only a
    /// request with a Range header (<paramref name="hasRange"/>).
    /// </summary>
    internal Fault? TryTake(string method, string path, bool hasRange)
    {
        lock (_gate)
        {
            for (var i = 0; i < _faults.Count; i++)
            {
                var armed = _faults[i];
                if (!Matches(armed.Fault, method, path) || (armed.Fault.Kind == FaultKind.CorruptRange && !hasRange))
                {
                    continue;
                }

                armed.Remaining--;
                if (armed.Remaining == 0)
                {
                    _faults.RemoveAt(i);
                    if (armed.Fault.Kind == FaultKind.CorruptRange)
                    {
                        _spent.Add(armed.Fault);
                    }
                }

                return armed.Fault;
            }

            return null;
        }
    }

    /// <summary>
    /// Gives back a use of a CorruptRange fault that turned out not to apply (its answer was not a
    /// 206). A fault used up by it is armed again, first in line, as it was first to match; one
    /// disarmed by <see cref="Clear"/> stays disarmed.
    /// </summary>
    internal void Refund(Fault fault)
    {
        lock (_gate)
        {
            if (_faults.Find(a => ReferenceEquals(a.Fault, fault)) is { } armed)
            {
                armed.Remaining++;
            }
            else if (_spent.RemoveAll(f => ReferenceEquals(f, fault)) > 0)
            {
                _faults.Insert(0, new Armed(fault, 1));
            }
        }
    }

    private static bool Matches(Fault fault, string method, string path)
    {
        if (fault.Method != "*" && !string.Equals(fault.Method, method, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // An Azure-style base serves the same API under /openai/v1, and LiteLLM's also without /v1.
        return PathMatches(fault.PathPattern, path)
            || (path.StartsWith("/openai/", StringComparison.OrdinalIgnoreCase) && PathMatches(fault.PathPattern, path["/openai".Length..]))
            || (fault.PathPattern.StartsWith("/v1/", StringComparison.OrdinalIgnoreCase) && PathMatches(fault.PathPattern["/v1".Length..], path));
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
