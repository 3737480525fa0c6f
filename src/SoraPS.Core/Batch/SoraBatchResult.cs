using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace SoraPS;

/// <summary>The statuses a batch gives rows that have no job status of their own.</summary>
public static class BatchStatus
{
    /// <summary>The batch ended (its time ran out) before the row's turn; nothing was sent for it.</summary>
    public const string NotStarted = "not_started";

    /// <summary>The server answered the create with an error, so no job was made (and none billed).</summary>
    public const string Refused = "refused";

    /// <summary>A create was sent but its answer never came, and the job could not be found on the server.</summary>
    public const string Unknown = "unknown";
}

/// <summary>How one row of a batch ended.</summary>
public sealed class SoraBatchResult
{
    internal SoraBatchResult(int row, string key, string prompt)
    {
        Row = row;
        Key = key;
        Prompt = prompt;
    }

    /// <summary>The row's position in the input, from 1.</summary>
    public int Row { get; }

    /// <summary>The row's identity in the journal: its Name, or a hash of its prompt and settings.</summary>
    public string Key { get; }

    public string? Name { get; internal init; }

    public string Prompt { get; }

    public string? VideoId { get; internal init; }

    /// <summary>
    /// The job's status as last seen (final once it finished: completed, failed...), or, for a row without a
    /// job, one of <see cref="BatchStatus"/>: not_started, refused or unknown.
    /// </summary>
    public string Status { get; internal init; } = BatchStatus.NotStarted;

    /// <summary>True when the job completed and every variant asked for was saved.</summary>
    public bool Succeeded => VideoStatus.IsCompleted(Status) && Error is null;

    /// <summary>The files saved for the row, in the order of -Variant.</summary>
    public FileInfo[] Files => SavedFiles.Select(f => f.File).ToArray();

    /// <summary>Why the row did not succeed; null when it did.</summary>
    public string? Error { get; internal init; }

    /// <summary>The server's code for a failed job or a refused create (such as moderation_blocked), when it gave one.</summary>
    public string? ErrorCode { get; internal init; }

    public string? Model { get; internal init; }

    public string? Seconds { get; internal init; }

    public string? Size { get; internal init; }

    /// <summary>True when the create's answer was lost and the job was found on the server instead.</summary>
    public bool Adopted { get; internal init; }

    /// <summary>When the row's create was first sent.</summary>
    public DateTimeOffset? StartedAt { get; internal init; }

    /// <summary>When the row's last step was taken (its job finished, its last file was saved).</summary>
    public DateTimeOffset? EndedAt { get; internal init; }

    public TimeSpan? Duration => StartedAt is { } start && EndedAt is { } end ? end - start : null;

    internal IReadOnlyList<SavedFile> SavedFiles { get; init; } = [];

    internal FileInfo? FileOf(VideoVariant variant) => SavedFiles.FirstOrDefault(f => f.Variant == variant)?.File;

    public override string ToString() => Key;
}

/// <summary>A file a batch saved, with the variant it holds.</summary>
internal sealed class SavedFile
{
    public SavedFile(VideoVariant variant, FileInfo file)
    {
        Variant = variant;
        File = file;
    }

    public VideoVariant Variant { get; }

    public FileInfo File { get; }
}
