using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SoraPS.Core.Batch;

namespace SoraPS;

/// <summary>
/// A batch of rows made into videos, restartable: <see cref="Prepare"/> checks every row before anything
/// is sent or written, <see cref="Open"/> locks the journal and tells what each row needs, and
/// <see cref="RunAsync"/> does it, writing each record to the journal before the step it guards. Run
/// again with the same journal, a batch creates no job twice and does nothing for what is done.
/// </summary>
public sealed class SoraBatch : IDisposable
{
    private readonly IReadOnlyList<PreparedRow> rows;
    private BatchJournal? journal;
    private Uri? server;

    private SoraBatch(BatchSettings settings, IReadOnlyList<PreparedRow> rows, int inputRowCount)
    {
        Settings = settings;
        this.rows = rows;
        InputRowCount = inputRowCount;
        JournalPath = settings.ResolvedJournalPath;
    }

    public BatchSettings Settings { get; }

    public string JournalPath { get; }

    /// <summary>The rows given, in every shard.</summary>
    public int InputRowCount { get; }

    /// <summary>The rows of this batch (of its shard, when it has one).</summary>
    public int RowCount => rows.Count;

    /// <summary>Records this run wrote to the journal, and the time their writes and flushes took.</summary>
    public int JournalRecordsWritten => journal?.RecordsAppended ?? 0;

    public TimeSpan JournalWriteTime => journal?.AppendTime ?? TimeSpan.Zero;

    /// <summary>Flushes of the journal to the disk in this run: about one a row, the create's.</summary>
    public int JournalFlushes => journal?.Flushes ?? 0;

    /// <summary>Checks the settings and every row, and keeps the rows of the shard. Nothing is sent or written.</summary>
    /// <exception cref="ArgumentException">A setting or a row cannot be used; the message names each and says what to fix.</exception>
    public static SoraBatch Prepare(IReadOnlyList<BatchRow> rows, BatchSettings settings)
    {
        if (rows is null)
        {
            throw new ArgumentNullException(nameof(rows));
        }

        if (settings is null)
        {
            throw new ArgumentNullException(nameof(settings));
        }

        settings.Check();
        return new SoraBatch(settings, PreparedRow.PrepareAll(rows, settings.Shard), rows.Count);
    }

    /// <summary>What a run would do, read from the journal without writing or keeping it (for -WhatIf).</summary>
    public IReadOnlyList<BatchRowPlan> Peek(Uri serverBaseUri)
    {
        using var peeked = BatchJournal.Peek(JournalPath, Identity(serverBaseUri));
        return Plan(peeked);
    }

    /// <summary>Opens and locks the journal (creating it when missing), and tells what each row needs.</summary>
    /// <param name="warn">Told about what the journal had to set aside, and about named rows whose job changed.</param>
    public IReadOnlyList<BatchRowPlan> Open(Uri serverBaseUri, Action<string> warn)
    {
        if (journal is not null)
        {
            throw new InvalidOperationException("The batch's journal is open already.");
        }

        server = serverBaseUri;
        Directory.CreateDirectory(Settings.OutputPath);
        journal = BatchJournal.Open(JournalPath, Identity(serverBaseUri), warn);
        foreach (var row in rows)
        {
            if (row.Name is not null && journal.Find(row.Key) is { Fingerprint: { } before } && before != row.Fingerprint)
            {
                warn($"Row {row.Number} ('{row.Name}') has another prompt or other settings than when its job was made. The journal's job is kept; "
                    + "give the row a new Name to make a new video of it.");
            }
        }

        return Plan(journal);
    }

    /// <summary>Runs the batch: writes one result per row, as each ends, to <paramref name="observer"/>.</summary>
    /// <param name="skip">Keys of rows not to run (declined at a confirmation); they are not reported.</param>
    public async Task<IReadOnlyList<SoraBatchResult>> RunAsync(
        SoraClient client, IBatchObserver observer, ISet<string>? skip = null, CancellationToken cancellationToken = default)
    {
        if (client is null)
        {
            throw new ArgumentNullException(nameof(client));
        }

        if (observer is null)
        {
            throw new ArgumentNullException(nameof(observer));
        }

        if (journal is null || server is null)
        {
            throw new InvalidOperationException("Open the batch before running it.");
        }

        if (!string.Equals(JournalIdentity.DescribeServer(client.Connection.BaseUri), JournalIdentity.DescribeServer(server), StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("The batch was opened for another server than the client's.");
        }

        var chosen = skip is null || skip.Count == 0 ? rows : rows.Where(r => !skip.Contains(r.Key)).ToList();
        using var run = new BatchRun(client, journal, Settings, observer, chosen);
        var results = await run.RunAsync(cancellationToken).ConfigureAwait(false);
        if (Settings.ReportPath is not null)
        {
            BatchReport.Write(Settings.ReportPath, results, Settings.OutputPath, Settings.Shard, DateTimeOffset.UtcNow);
        }

        return results;
    }

    public void Dispose()
    {
        journal?.Dispose();
        journal = null;
    }

    private JournalIdentity Identity(Uri serverBaseUri) => new(Settings.OutputPath, JournalPath, Settings.Shard, serverBaseUri);

    private List<BatchRowPlan> Plan(BatchJournal? source) =>
        rows.Select(row =>
        {
            var state = source?.Find(row.Key);
            var step = BatchRun.StepOf(state, Settings);
            var mayCreate = step == BatchStep.Create || (step == BatchStep.FindLostJob && Settings.RetryUnknown);
            return new BatchRowPlan(row.Number, row.Key, row.Name, row.Request.Prompt, step, state?.VideoId, mayCreate);
        }).ToList();
}
