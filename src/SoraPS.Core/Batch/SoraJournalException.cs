using System;
using System.IO;

namespace SoraPS;

/// <summary>What is wrong with a batch journal.</summary>
public enum SoraJournalProblem
{
    /// <summary>Another batch (another process or runspace) has the journal open.</summary>
    InUse,

    /// <summary>The file system would not lock the file, so two batches could not be kept apart.</summary>
    CannotLock,

    /// <summary>The journal was made for another output folder, shard or server.</summary>
    OtherBatch,

    /// <summary>A record before the last one cannot be read.</summary>
    Corrupt,

    /// <summary>The journal was written by a newer SoraPS.</summary>
    NewerVersion,

    /// <summary>A record could not be written (a full disk, a lost share): the batch stopped before the step it guarded.</summary>
    WriteFailed,
}

/// <summary>A batch journal that cannot be used as it is. Nothing was sent or written when this is thrown.</summary>
public sealed class SoraJournalException : IOException
{
    public SoraJournalException()
    {
    }

    public SoraJournalException(string message)
        : base(message)
    {
    }

    public SoraJournalException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal SoraJournalException(SoraJournalProblem problem, string path, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Problem = problem;
        JournalPath = path;
    }

    public SoraJournalProblem Problem { get; }

    public string? JournalPath { get; }
}
