using System;
using System.Collections.Generic;
using System.IO;

namespace SoraPS;

/// <summary>How a batch runs. The cmdlet layer fills it from its parameters, with paths already full.</summary>
public sealed class BatchSettings
{
    public const int DefaultThrottleLimit = 4;
    public const int MaxThrottleLimit = 100;

    /// <summary>The default journal's name, inside the output folder; each shard has its own.</summary>
    public const string JournalFileName = "SoraBatch.journal";

    /// <summary>The folder the files are saved to (a full path).</summary>
    public string OutputPath { get; init; } = string.Empty;

    public IReadOnlyList<VideoVariant> Variants { get; init; } = [VideoVariant.Video];

    /// <summary>The most jobs created and not yet finished at once.</summary>
    public int ThrottleLimit { get; init; } = DefaultThrottleLimit;

    /// <summary>The journal (a full path); null for the default inside <see cref="OutputPath"/>.</summary>
    public string? JournalPath { get; init; }

    /// <summary>The time the whole batch may take.</summary>
    public TimeSpan Timeout { get; init; } = WaitOptions.DefaultTimeout;

    public TimeSpan PollInterval { get; init; } = WaitOptions.DefaultPollInterval;

    public BatchShard? Shard { get; init; }

    /// <summary>Create again a row whose create's answer was lost and whose job cannot be found.</summary>
    public bool RetryUnknown { get; init; }

    /// <summary>Where to write the review page (a full path); null for none.</summary>
    public string? ReportPath { get; init; }

    public int MaxConcurrentDownloads { get; init; } = 2;

    /// <summary>How far the server's clock may be from this machine's, when a lost job is looked for by its time.</summary>
    internal TimeSpan ClockSkew { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long to let a server finish making a job whose create's answer was lost, before looking for it.</summary>
    internal TimeSpan LostAnswerGrace { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>SoraBatch.journal, or SoraBatch.2-of-8.journal for shard 2 of 8, so that shards sharing a folder never share a journal.</summary>
    public static string DefaultJournalPath(string outputPath, BatchShard? shard) =>
        Path.Combine(outputPath, shard is null ? JournalFileName : "SoraBatch." + shard.FileSuffix + ".journal");

    internal string ResolvedJournalPath => Path.GetFullPath(JournalPath ?? DefaultJournalPath(OutputPath, Shard));

    internal void Check()
    {
        if (string.IsNullOrWhiteSpace(OutputPath))
        {
            throw new ArgumentException("The batch needs an output folder: give -OutputPath.");
        }

        if (ThrottleLimit < 1 || ThrottleLimit > MaxThrottleLimit)
        {
            throw new ArgumentException($"-ThrottleLimit {ThrottleLimit} is out of range: use 1 to {MaxThrottleLimit}.");
        }

        if (Variants.Count == 0)
        {
            throw new ArgumentException("-Variant is empty: give Video, Thumbnail, Spritesheet or several of them.");
        }

        if (Directory.Exists(ResolvedJournalPath))
        {
            throw new ArgumentException($"-JournalPath '{ResolvedJournalPath}' is a folder; give the path of a file (it is created when missing).");
        }

        if (ReportPath is not null && Directory.Exists(ReportPath))
        {
            throw new ArgumentException($"-ReportPath '{ReportPath}' is a folder; give the path of an HTML file, such as {Path.Combine(ReportPath, "report.html")}.");
        }

        if (File.Exists(OutputPath))
        {
            throw new ArgumentException($"-OutputPath '{OutputPath}' is a file; give a folder (it is created when missing).");
        }
    }
}

/// <summary>What a batch will do for a row, as the journal tells it.</summary>
public enum BatchStep
{
    /// <summary>Nothing was sent for the row yet (or the server refused its last create): create its job.</summary>
    Create,

    /// <summary>A create was sent and its answer never came: look for its job on the server.</summary>
    FindLostJob,

    /// <summary>The job was created: wait for it to finish.</summary>
    Wait,

    /// <summary>The job completed: save what is missing.</summary>
    Download,

    /// <summary>The row is done; it is reported as it ended.</summary>
    Done,
}

/// <summary>One row and the step the batch will take for it.</summary>
public sealed class BatchRowPlan
{
    internal BatchRowPlan(int row, string key, string? name, string prompt, BatchStep step, string? videoId, bool mayCreate)
    {
        Row = row;
        Key = key;
        Name = name;
        Prompt = prompt;
        Step = step;
        VideoId = videoId;
        MayCreate = mayCreate;
    }

    public int Row { get; }

    public string Key { get; }

    public string? Name { get; }

    public string Prompt { get; }

    public BatchStep Step { get; }

    public string? VideoId { get; }

    /// <summary>True when the step may start a billed job: a create, or a lost one created again with -RetryUnknown.</summary>
    public bool MayCreate { get; }
}

/// <summary>Where a batch stands, for a progress bar.</summary>
public readonly struct BatchProgress
{
    internal BatchProgress(int total, int ended, int failed, int unfinished, int downloading)
    {
        Total = total;
        Ended = ended;
        Failed = failed;
        Unfinished = unfinished;
        Downloading = downloading;
    }

    public int Total { get; }

    /// <summary>Rows that ended, well or not.</summary>
    public int Ended { get; }

    /// <summary>Rows that ended without succeeding.</summary>
    public int Failed { get; }

    /// <summary>Jobs created and not yet finished (what -ThrottleLimit bounds).</summary>
    public int Unfinished { get; }

    public int Downloading { get; }
}

/// <summary>What a running batch tells its caller, from any thread.</summary>
public interface IBatchObserver
{
    /// <summary>A row ended; its result will not change in this run.</summary>
    void RowEnded(SoraBatchResult result);

    void Progress(BatchProgress progress);
}
