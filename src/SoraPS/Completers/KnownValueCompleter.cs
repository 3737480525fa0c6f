using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace SoraPS.Completers;

/// <summary>
/// Offers the values the API is known to take, without restricting input to them: compatible servers
/// accept others, and a ValidateSet would go stale with the next model.
/// </summary>
public abstract class KnownValueCompleter : IArgumentCompleter
{
    protected abstract IEnumerable<string> Values { get; }

    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = (wordToComplete ?? string.Empty).Trim('\'', '"');
        return Values
            .Where(v => v.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .Select(v => new CompletionResult(v, v, CompletionResultType.ParameterValue, v))
            .ToList();
    }
}

public sealed class ModelCompleter : KnownValueCompleter
{
    protected override IEnumerable<string> Values => KnownValues.Models;
}

public sealed class SizeCompleter : KnownValueCompleter
{
    protected override IEnumerable<string> Values => KnownValues.Sizes;
}

public sealed class SecondsCompleter : KnownValueCompleter
{
    protected override IEnumerable<string> Values => KnownValues.Seconds;
}

/// <summary>Ids of jobs this session has seen, newest first, with the prompt as tooltip; no network call.</summary>
public sealed class VideoIdCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = (wordToComplete ?? string.Empty).Trim('\'', '"');
        return Infrastructure.SoraSession.Current.RecentJobs()
            .Where(v => v.Id.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .Select(v => new CompletionResult(v.Id, v.Id, CompletionResultType.ParameterValue, Tooltip(v)))
            .ToList();
    }

    private static string Tooltip(SoraVideo video)
    {
        var prompt = string.IsNullOrWhiteSpace(video.Prompt) ? "(no prompt)" : video.Prompt!;
        return $"{video.Status}: {(prompt.Length > 80 ? prompt.Substring(0, 77) + "..." : prompt)}";
    }
}
