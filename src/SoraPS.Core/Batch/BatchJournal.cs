using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace SoraPS.Core.Batch;

/// <summary>What a journal belongs to: checked when it is opened again, so that rows are never mixed between batches.</summary>
internal sealed class JournalIdentity
{
    public JournalIdentity(string outputFolder, string journalPath, BatchShard? shard, Uri server)
    {
        OutputFolder = BatchPaths.Normalize(outputFolder);
        JournalInOutput = BatchPaths.RelativeInside(OutputFolder, journalPath);
        Shard = shard?.ToString();
        Server = DescribeServer(server);
    }

    public string OutputFolder { get; }

    public string? JournalInOutput { get; }

    public string? Shard { get; }

    public string Server { get; }

    /// <summary>The server's address without user name, password, query or fragment: a journal never holds a secret.</summary>
    public static string DescribeServer(Uri server) =>
        server.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
}

/// <summary>
/// The append-only record of a batch: one JSON object per line, each written and flushed to disk (fsync)
/// before the step it guards, and held open with an exclusive lock for as long as the batch runs. Read
/// back, it tells each row's state, so a batch run again after a crash, a kill or a restarted sandbox
/// creates no job twice and downloads only what is missing.
/// </summary>
internal sealed class BatchJournal : IDisposable
{
    public const int FormatVersion = 1;

    private const int ReadChunk = 64 * 1024;

    private static readonly StringComparison PathComparison =
        RuntimeInformation.IsOSPlatform(OSPlatform.Windows) || RuntimeInformation.IsOSPlatform(OSPlatform.OSX)
            ? StringComparison.OrdinalIgnoreCase
            : StringComparison.Ordinal;

    private readonly object gate = new();
    private readonly Dictionary<string, JournalRowState> rows = new(StringComparer.Ordinal);
    private readonly FileStream? stream;
    private readonly Stopwatch appendClock = new();
    private long goodLength;
    private bool broken;

    private BatchJournal(string path, FileStream? stream)
    {
        Path = path;
        this.stream = stream;
    }

    public string Path { get; }

    /// <summary>True when this run made the journal: no row has a history.</summary>
    public bool IsNew { get; private set; }

    public int RecordsAppended { get; private set; }

    /// <summary>Time spent writing and flushing records, for the benchmark.</summary>
    public TimeSpan AppendTime => appendClock.Elapsed;

    /// <summary>Opens the journal for writing, locked against every other batch, creating it when missing.</summary>
    /// <param name="warn">Told about a torn last record, which is set aside.</param>
    public static BatchJournal Open(string path, JournalIdentity identity, Action<string> warn)
    {
        if (warn is null)
        {
            throw new ArgumentNullException(nameof(warn));
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var stream = JournalLock.OpenExclusive(path);
        var journal = new BatchJournal(path, stream);
        try
        {
            var torn = journal.Replay(stream, identity);
            if (torn > 0)
            {
                warn($"The last record of the journal '{path}' was cut short ({torn} bytes; the machine lost power or the disk filled while it was written). "
                    + "It was set aside, and the records before it were kept: the step it announced had not been taken.");
                stream.SetLength(journal.goodLength);
                stream.Flush(true);
            }

            stream.Seek(journal.goodLength, SeekOrigin.Begin);
            if (journal.goodLength == 0)
            {
                journal.IsNew = true;
                journal.Append(new JournalRecord
                {
                    Type = JournalRecord.Batch,
                    At = DateTimeOffset.UtcNow,
                    Version = FormatVersion,
                    Output = identity.OutputFolder,
                    JournalInOutput = identity.JournalInOutput,
                    Shard = identity.Shard,
                    Server = identity.Server,
                });
            }

            return journal;
        }
        catch
        {
            journal.Dispose();
            throw;
        }
    }

    /// <summary>Reads a journal without writing to it or locking it for long (for -WhatIf); null when there is none.</summary>
    public static BatchJournal? Peek(string path, JournalIdentity identity)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        using var stream = JournalLock.OpenToRead(path);
        var journal = new BatchJournal(path, null);
        journal.Replay(stream, identity);
        journal.IsNew = journal.goodLength == 0;
        return journal;
    }

    public JournalRowState? Find(string key) => rows.TryGetValue(key, out var state) ? state : null;

    /// <summary>Writes one record and flushes it to the disk before returning; the caller takes its step after.</summary>
    public void Append(JournalRecord record)
    {
        if (record is null)
        {
            throw new ArgumentNullException(nameof(record));
        }

        if (stream is null)
        {
            throw new InvalidOperationException("This journal was opened to be read only.");
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(record, JournalJsonContext.Default.JournalRecord);
        var line = new byte[json.Length + 1];
        Buffer.BlockCopy(json, 0, line, 0, json.Length);
        line[json.Length] = (byte)'\n';
        lock (gate)
        {
            if (broken)
            {
                throw new SoraJournalException(SoraJournalProblem.WriteFailed, Path, $"The journal '{Path}' could not be written earlier in this run, so nothing more is recorded or done.");
            }

            appendClock.Start();
            try
            {
                // One write for the whole line, so that an interruption leaves at most a torn last line.
                stream.Write(line, 0, line.Length);
                stream.Flush(true);
                goodLength += line.Length;
                RecordsAppended++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Cut back what the failed write may have left, so later records never follow a torn one.
                try
                {
                    stream.SetLength(goodLength);
                    stream.Seek(goodLength, SeekOrigin.Begin);
                }
                catch (IOException)
                {
                    broken = true;
                }

                // Nothing may go on unrecorded: the batch stops, and the step this record guarded is not taken.
                throw new SoraJournalException(
                    SoraJournalProblem.WriteFailed,
                    Path,
                    $"The journal '{Path}' could not be written ({e.Message.TrimEnd('.')}), so the batch stopped before its next step. "
                    + "Free some space or fix the file's permissions, and run the same command again to continue.",
                    e);
            }
            finally
            {
                appendClock.Stop();
            }

            if (record.Key is not null)
            {
                StateOf(record.Key).Apply(record);
            }
        }
    }

    public void Dispose() => stream?.Dispose();

    private JournalRowState StateOf(string key)
    {
        if (!rows.TryGetValue(key, out var state))
        {
            state = new JournalRowState(key);
            rows.Add(key, state);
        }

        return state;
    }

    /// <summary>Reads every record; returns the length of a torn last record (0 when there is none).</summary>
    private long Replay(Stream input, JournalIdentity identity)
    {
        var buffer = new byte[ReadChunk];
        using var line = new MemoryStream();
        long offset = 0;
        var lineNumber = 0;
        var unreadable = 0;
        int read;
        while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
        {
            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] != (byte)'\n')
                {
                    continue;
                }

                line.Write(buffer, start, i - start);
                start = i + 1;
                lineNumber++;

                // An unreadable line followed by another is damage, not a torn end.
                if (unreadable > 0)
                {
                    throw Corrupt(unreadable);
                }

                var record = Parse(line);
                line.SetLength(0);
                if (record is null)
                {
                    unreadable = lineNumber;
                    continue;
                }

                Take(record, lineNumber, identity);
                goodLength = offset + i + 1;
            }

            line.Write(buffer, start, read - start);
            offset += read;
        }

        if (unreadable > 0 && line.Length > 0)
        {
            throw Corrupt(unreadable);
        }

        // What follows the last good record was cut short: an unfinished line, or a last line that does not read.
        return offset - goodLength;
    }

    private void Take(JournalRecord record, int lineNumber, JournalIdentity identity)
    {
        if (lineNumber == 1)
        {
            if (record.Type != JournalRecord.Batch)
            {
                throw new SoraJournalException(
                    SoraJournalProblem.Corrupt,
                    Path,
                    $"'{Path}' is not a SoraPS batch journal (its first record is not the batch's). Give -JournalPath a new file, or the journal this batch wrote.");
            }

            Check(record, identity);
            return;
        }

        if (record.Key is not null)
        {
            StateOf(record.Key).Apply(record);
        }
    }

    private void Check(JournalRecord header, JournalIdentity identity)
    {
        if (header.Version is not { } version || version > FormatVersion)
        {
            throw new SoraJournalException(
                SoraJournalProblem.NewerVersion,
                Path,
                $"The journal '{Path}' was written by a newer SoraPS (format {header.Version?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}). Update SoraPS to continue this batch.");
        }

        var movedWithItsJournal = header.JournalInOutput is not null
            && string.Equals(header.JournalInOutput, identity.JournalInOutput, PathComparison);
        if (!string.Equals(header.Output, identity.OutputFolder, PathComparison) && !movedWithItsJournal)
        {
            throw OtherBatch(
                $"The journal '{Path}' belongs to the batch that writes to '{header.Output}', not to '{identity.OutputFolder}'. "
                + $"Run it with -OutputPath '{header.Output}' to continue that batch, or give -JournalPath a new file to start another.");
        }

        if (!string.Equals(header.Shard, identity.Shard, StringComparison.Ordinal))
        {
            throw OtherBatch(
                $"The journal '{Path}' belongs to {(header.Shard is null ? "a batch that is not split in shards" : "shard " + header.Shard)}, "
                + $"not to {(identity.Shard is null ? "a batch without -Shard" : "shard " + identity.Shard)}. "
                + "Each shard keeps its own journal: run with the journal's -Shard, or give -JournalPath another file.");
        }

        if (!string.Equals(header.Server, identity.Server, StringComparison.OrdinalIgnoreCase))
        {
            throw OtherBatch(
                $"The jobs in the journal '{Path}' were made on {header.Server}, but this session is connected to {identity.Server}. "
                + $"Connect-Sora -BaseUri {header.Server} to continue that batch, or give -JournalPath a new file to start another.");
        }
    }

    private SoraJournalException OtherBatch(string message) => new(SoraJournalProblem.OtherBatch, Path, message);

    private SoraJournalException Corrupt(int lineNumber) => new(
        SoraJournalProblem.Corrupt,
        Path,
        $"Record {lineNumber} of the journal '{Path}' cannot be read, and records follow it, so it was damaged or edited, not cut short by a crash. "
        + "Restore the journal from a copy, or give -JournalPath a new file (rows it recorded would then be created again).");

    private static JournalRecord? Parse(MemoryStream line)
    {
        if (line.Length == 0)
        {
            return null;
        }

        try
        {
            var record = JsonSerializer.Deserialize(
                new ReadOnlySpan<byte>(line.GetBuffer(), 0, (int)line.Length), JournalJsonContext.Default.JournalRecord);
            return record is null || string.IsNullOrEmpty(record.Type) ? null : record;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
