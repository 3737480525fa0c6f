using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading;

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
/// The append-only record of a batch: one JSON object per line, each written before the step it guards,
/// and held open with an exclusive lock for as long as the batch runs. Read back, it tells each row's
/// state, so a batch run again after a crash, a kill or a restarted sandbox creates no job twice and
/// downloads only what is missing.
/// </summary>
/// <remarks>
/// Every record is written to the operating system before its step, so a killed process loses none. A
/// create's record is also flushed to the disk (fsync) before the create is sent, since only a create
/// bills and only its record keeps it from being sent twice. The other records (a job's id, its end, a
/// saved file) guard steps that the next run repeats safely (it looks the job up, polls it, continues
/// its download), so they are flushed with the next create's record, or within a second: a power cut
/// loses at most that second of them. A flush costs a millisecond or more on a busy disk, and several on
/// a network share; one per row instead of four keeps the journal's cost well under a millisecond a row.
/// </remarks>
internal sealed class BatchJournal : IDisposable
{
    public const int FormatVersion = 1;

    private const int ReadChunk = 64 * 1024;

    /// <summary>
    /// Room made ahead of the records, in zeros written once: appends then never change the file's length,
    /// so a flush writes their bytes without a metadata commit that would wait for every other file's changes
    /// (on ext4, a journal commit that includes the downloads' renames). Zeros after the last record are free
    /// room, never a record (JSON has no NUL byte), and are cut off when the journal is closed.
    /// </summary>
    private const int Preallocation = 256 * 1024;

    /// <summary>The longest a written record waits to be flushed to the disk.</summary>
    private static readonly TimeSpan FlushDelay = TimeSpan.FromSeconds(1);

    private static readonly byte[] Zeros = new byte[64 * 1024];

    private static readonly StringComparison PathComparison =
        RuntimeInformation.IsOSPlatform(OSPlatform.Windows) || RuntimeInformation.IsOSPlatform(OSPlatform.OSX)
            ? StringComparison.OrdinalIgnoreCase
            : StringComparison.Ordinal;

    private readonly object gate = new();
    private readonly Dictionary<string, JournalRowState> rows = new(StringComparer.Ordinal);
    private readonly FileStream? stream;
    private readonly Stopwatch appendClock = new();
    private readonly Timer? flusher;
    private long goodLength;
    private long allocated;
    private bool broken;
    private bool unflushed;
    private bool disposed;

    private BatchJournal(string path, FileStream? stream)
    {
        Path = path;
        this.stream = stream;
        flusher = stream is null ? null : new Timer(_ => FlushPending(), null, Timeout.Infinite, Timeout.Infinite);
    }

    public string Path { get; }

    /// <summary>True when this run made the journal: no row has a history.</summary>
    public bool IsNew { get; private set; }

    public int RecordsAppended { get; private set; }

    /// <summary>Time spent writing and flushing records, for the benchmark.</summary>
    public TimeSpan AppendTime => appendClock.Elapsed;

    /// <summary>Flushes to the disk this run made (creates, timer, room made ahead), for the benchmark.</summary>
    public int Flushes { get; private set; }

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
            }

            // A torn record, and the free room a killed run left, are cut off before anything is appended.
            if (stream.Length != journal.goodLength)
            {
                stream.SetLength(journal.goodLength);
                stream.Flush(true);
            }

            journal.allocated = journal.goodLength;
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

    /// <summary>
    /// Writes one record before returning; the caller takes its step after. A create's record (and the
    /// journal's first) is flushed to the disk too; the others are flushed with the next one, or within a second.
    /// </summary>
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
        var durable = record.Type is JournalRecord.Batch or JournalRecord.Creating;
        lock (gate)
        {
            if (disposed)
            {
                throw new ObjectDisposedException(nameof(BatchJournal));
            }

            if (broken)
            {
                throw new SoraJournalException(SoraJournalProblem.WriteFailed, Path, $"The journal '{Path}' could not be written earlier in this run, so nothing more is recorded or done.");
            }

            appendClock.Start();
            try
            {
                MakeRoom(line.Length);

                // One write for the whole line, so that an interruption leaves at most a torn last line.
                stream.Write(line, 0, line.Length);
                if (durable)
                {
                    FlushToDisk(stream);
                    unflushed = false;
                }
                else if (!unflushed)
                {
                    unflushed = true;
                    flusher!.Change(FlushDelay, Timeout.InfiniteTimeSpan);
                }

                goodLength += line.Length;
                RecordsAppended++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Cut back what the failed write may have left, so later records never follow a torn one.
                try
                {
                    stream.SetLength(goodLength);
                    allocated = goodLength;
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

    public void Dispose()
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            try
            {
                if (stream is not null && !broken && (unflushed || allocated > goodLength))
                {
                    // The free room goes: a closed journal ends with its last record.
                    stream.SetLength(goodLength);
                    stream.Flush(true);
                }
            }
            catch (IOException)
            {
                // The records were written; only their flush to the disk failed, as it would in a power cut.
            }
            finally
            {
                flusher?.Dispose();
                stream?.Dispose();
            }
        }
    }

    private void FlushToDisk(FileStream target)
    {
        target.Flush(true);
        Flushes++;
    }

    /// <summary>Writes zeros ahead of the records when the room left is less than <paramref name="length"/>.</summary>
    private void MakeRoom(int length)
    {
        if (goodLength + length <= allocated)
        {
            return;
        }

        var grow = Math.Max(Preallocation, length);
        stream!.Seek(allocated, SeekOrigin.Begin);
        for (var written = 0; written < grow; written += Zeros.Length)
        {
            stream.Write(Zeros, 0, Math.Min(Zeros.Length, grow - written));
        }

        FlushToDisk(stream);
        allocated += grow;
        stream.Seek(goodLength, SeekOrigin.Begin);
    }

    /// <summary>Flushes the records written since the last flush (the timer's callback).</summary>
    private void FlushPending()
    {
        lock (gate)
        {
            if (disposed || broken || !unflushed)
            {
                return;
            }

            appendClock.Start();
            try
            {
                FlushToDisk(stream!);
                unflushed = false;
            }
            catch (IOException)
            {
                // A later append reports the journal as unwritable; nothing more is done unrecorded.
                broken = true;
            }
            finally
            {
                appendClock.Stop();
            }
        }
    }

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

        // Zeros after the records are room made ahead (see Preallocation), left by a run that did not close.
        var room = IsAllZero(line) ? line.Length : 0;
        if (unreadable > 0 && line.Length > room)
        {
            throw Corrupt(unreadable);
        }

        // What follows the last good record was cut short: an unfinished line, or a last line that does not read.
        return offset - goodLength - room;
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
                $"The jobs in the journal '{Path}' were made on {header.Server}, but the connection in effect is to {identity.Server}. "
                + $"Connect-Sora -BaseUri {header.Server} to continue that batch, or give -JournalPath a new file to start another.");
        }
    }

    private SoraJournalException OtherBatch(string message) => new(SoraJournalProblem.OtherBatch, Path, message);

    private SoraJournalException Corrupt(int lineNumber) => new(
        SoraJournalProblem.Corrupt,
        Path,
        $"Record {lineNumber} of the journal '{Path}' cannot be read, and records follow it, so it was damaged or edited, not cut short by a crash. "
        + "Restore the journal from a copy, or give -JournalPath a new file (rows it recorded would then be created again).");

    private static bool IsAllZero(MemoryStream bytes)
    {
        var buffer = bytes.GetBuffer();
        for (var i = 0; i < bytes.Length; i++)
        {
            if (buffer[i] != 0)
            {
                return false;
            }
        }

        return true;
    }

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
