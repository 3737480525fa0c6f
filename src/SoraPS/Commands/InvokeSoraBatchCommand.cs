using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using SoraPS.Infrastructure;

namespace SoraPS.Commands;

/// <summary>
/// Makes a video for each piped row, restartably: a journal records every step before it is taken, so the
/// same command run again (after Ctrl+C, a kill, a recycled sandbox) creates no job twice and does only
/// what is left. At most -ThrottleLimit jobs are created and unfinished at once.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "SoraBatch", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(SoraBatchResult))]
public sealed class InvokeSoraBatchCommand : SoraCmdlet
{
    private const int ProgressActivityId = 1;

    private readonly List<BatchRow> rows = [];

    /// <summary>A row: a CSV row, a hashtable, any object with a Prompt (and optional fields), or a prompt as a string.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>The folder the files are saved to (created when missing); the default journal lives there too.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string OutputPath { get; set; } = string.Empty;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public VideoVariant[] Variant { get; set; } = [VideoVariant.Video];

    /// <summary>The most jobs created and not yet finished at once.</summary>
    [Parameter]
    [ValidateRange(1, BatchSettings.MaxThrottleLimit)]
    public int ThrottleLimit { get; set; } = BatchSettings.DefaultThrottleLimit;

    /// <summary>The journal; by default SoraBatch.journal (SoraBatch.&lt;k&gt;-of-&lt;n&gt;.journal for a shard) in -OutputPath.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? JournalPath { get; set; }

    /// <summary>The time the whole batch may take; what is left is done by running the command again.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int TimeoutSec { get; set; } = (int)WaitOptions.DefaultTimeout.TotalSeconds;

    [Parameter]
    [ValidateRange(0.05, 3600)]
    public double PollIntervalSec { get; set; } = WaitOptions.DefaultPollInterval.TotalSeconds;

    /// <summary>PART/COUNT, such as 2/8: only the rows whose key falls in that part.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Shard { get; set; }

    /// <summary>An HTML file to write the review page to.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ReportPath { get; set; }

    /// <summary>Create again the rows whose create's answer was lost and whose job cannot be found on the server.</summary>
    [Parameter]
    public SwitchParameter RetryUnknown { get; set; }

    protected override void ProcessRecord()
    {
        if (InputObject is null)
        {
            return;
        }

        var number = rows.Count + 1;
        var value = InputObject.BaseObject;
        if (value is string prompt)
        {
            rows.Add(new BatchRow(number, string.IsNullOrWhiteSpace(prompt) ? null : prompt) { PropertyNames = [] });
            return;
        }

        var image = Read(InputObject, "InputReference");
        rows.Add(new BatchRow(number, Read(InputObject, "Prompt"))
        {
            Model = Read(InputObject, "Model"),
            Seconds = Read(InputObject, "Seconds"),
            Size = Read(InputObject, "Size"),
            InputReferencePath = image is null ? null : GetUnresolvedProviderPathFromPSPath(image),
            InputReferenceUri = Read(InputObject, "InputReferenceUri"),
            InputReferenceFileId = Read(InputObject, "InputReferenceFileId"),
            Name = Read(InputObject, "Name"),
            PropertyNames = NamesOf(InputObject),
        });
    }

    protected override void EndProcessing()
    {
        if (rows.Count == 0)
        {
            WriteWarning("No rows came from the pipeline, so there is nothing to do.");
            return;
        }

        using var batch = Prepare();
        if (WhatIfRequested())
        {
            WhatIf(batch);
            return;
        }

        var progress = new Observer(this, batch.RowCount);
        try
        {
            var plan = Call(() => batch.Open(Client.Connection.BaseUri, WriteWarning));
            var declined = new HashSet<string>(StringComparer.Ordinal);
            foreach (var row in plan.Where(p => p.MayCreate))
            {
                if (!ShouldProcess(Describe(row), row.Step == BatchStep.Create ? "Create a video job" : "Create a video job again (its earlier create's answer was lost)"))
                {
                    declined.Add(row.Key);
                }
            }

            WriteVerbose($"Journal: {batch.JournalPath}. {Summary(plan)}");
            var results = Call(() => Run(batch, progress, declined));
            var notDone = results.Where(r => !r.Succeeded).ToList();
            if (batch.Settings.ReportPath is { } report)
            {
                WriteVerbose($"Review page: {report}");
            }

            if (notDone.Count > 0)
            {
                var continued = notDone.Count(WouldContinue);
                var unknown = notDone.Count(r => r.Status == BatchStatus.Unknown);
                WriteWarning($"{notDone.Count} of {results.Count} rows did not succeed: see their Status and Error properties"
                    + (batch.Settings.ReportPath is null ? "." : $", or the review page {batch.Settings.ReportPath}.")
                    + (continued > 0 ? $" Running the same command again continues {continued} of them." : string.Empty)
                    + (unknown > 0 && !RetryUnknown ? $" {unknown} are unknown: their jobs may exist; add -RetryUnknown to create them again." : string.Empty));
            }
        }
        finally
        {
            WriteProgress(new ProgressRecord(ProgressActivityId, progress.Activity, "Done") { RecordType = ProgressRecordType.Completed });
        }
    }

    /// <summary>
    /// Runs the batch to its end. If the pipeline stops it from outside (a downstream Select-Object -First,
    /// for one), the run is cancelled and waited for before the journal is closed, so no step is taken
    /// after its record can no longer be written.
    /// </summary>
    private IReadOnlyList<SoraBatchResult> Run(SoraBatch batch, Observer progress, ISet<string> declined)
    {
        using var abort = System.Threading.CancellationTokenSource.CreateLinkedTokenSource(CancellationToken);
        var run = batch.RunAsync(Client, progress, declined, abort.Token);
        try
        {
            return Await(run);
        }
        finally
        {
            if (!run.IsCompleted)
            {
                abort.Cancel();
                try
                {
                    run.Wait();
                }
                catch (AggregateException)
                {
                    // Cancelled, as asked; what stopped the pipeline is what the caller sees.
                }
            }
        }
    }

    private SoraBatch Prepare()
    {
        try
        {
            var settings = new BatchSettings
            {
                OutputPath = GetUnresolvedProviderPathFromPSPath(OutputPath),
                Variants = Variant.Distinct().ToList(),
                ThrottleLimit = ThrottleLimit,
                JournalPath = JournalPath is null ? null : GetUnresolvedProviderPathFromPSPath(JournalPath),
                Timeout = TimeSpan.FromSeconds(TimeoutSec),
                PollInterval = TimeSpan.FromSeconds(PollIntervalSec),
                Shard = Shard is null ? null : BatchShard.Parse(Shard),
                RetryUnknown = RetryUnknown,
                ReportPath = ReportPath is null ? null : GetUnresolvedProviderPathFromPSPath(ReportPath),
            };
            return SoraBatch.Prepare(rows, settings);
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(ErrorRecords.InvalidArgument(e, null));
            throw; // not reached: ThrowTerminatingError always throws
        }
    }

    /// <summary>Says what the batch would do, from the journal as it is, and sends and writes nothing.</summary>
    private void WhatIf(SoraBatch batch)
    {
        var plan = Call(() => batch.Peek(ResolveConnection().BaseUri));
        foreach (var row in plan.Where(p => p.MayCreate))
        {
            ShouldProcess(Describe(row), "Create a video job");
        }

        ShouldProcess($"{batch.RowCount} rows in {batch.Settings.OutputPath} (journal {batch.JournalPath}): {Summary(plan)}", "Run the batch");
    }

    /// <summary>Runs a step whose failures stop the whole batch, as terminating errors.</summary>
    private T Call<T>(Func<T> step)
    {
        try
        {
            return step();
        }
        catch (Exception e) when (e is SoraJournalException or SoraApiException or ArgumentException or System.IO.IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(ErrorRecords.From(e, null)!);
            throw; // not reached
        }
    }

    /// <summary>A row that a run with the same command takes further: anything but a job that ended without a video, or a lost create.</summary>
    private static bool WouldContinue(SoraBatchResult result) =>
        !VideoStatus.IsFailed(result.Status) && result.Status != BatchStatus.Unknown;

    private bool WhatIfRequested() =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out var value)
            ? ((SwitchParameter)value).IsPresent
            : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));

    private static string Summary(IReadOnlyList<BatchRowPlan> plan)
    {
        string Count(BatchStep step, string what) => plan.Count(p => p.Step == step).ToString(CultureInfo.InvariantCulture) + " " + what;
        return string.Join(", ", Count(BatchStep.Create, "to create"), Count(BatchStep.FindLostJob, "to look for (a create's answer was lost)"),
            Count(BatchStep.Wait, "to wait for"), Count(BatchStep.Download, "to download"), Count(BatchStep.Done, "done")) + ".";
    }

    private static string Describe(BatchRowPlan row)
    {
        var prompt = row.Prompt.Replace('\r', ' ').Replace('\n', ' ').Trim();
        prompt = prompt.Length > 60 ? prompt.Substring(0, 57) + "..." : prompt;
        return $"row {row.Row}" + (row.Name is null ? string.Empty : $" ({row.Name})") + $": \"{prompt}\"";
    }

    /// <summary>A field of a row, by name in any case, from a dictionary's keys or an object's properties; blank is not given.</summary>
    private static string? Read(PSObject row, string name)
    {
        object? value = null;
        if (row.BaseObject is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                if (string.Equals(entry.Key?.ToString(), name, StringComparison.OrdinalIgnoreCase))
                {
                    value = entry.Value;
                    break;
                }
            }
        }
        else
        {
            try
            {
                value = row.Properties[name]?.Value;
            }
            catch (GetValueException)
            {
                value = null;
            }
        }

        if (value is PSObject wrapped)
        {
            value = wrapped.BaseObject;
        }

        var text = value is null ? null : Convert.ToString(value, CultureInfo.InvariantCulture);
        return string.IsNullOrWhiteSpace(text) ? null : text;
    }

    private static string[] NamesOf(PSObject row) => row.BaseObject is IDictionary dictionary
        ? dictionary.Keys.Cast<object>().Select(k => k?.ToString() ?? string.Empty).Take(12).ToArray()
        : row.Properties.Select(p => p.Name).Take(12).ToArray();

    /// <summary>Writes each result, and the batch's progress about once a second, from the pipeline thread.</summary>
    private sealed class Observer : IBatchObserver
    {
        private readonly InvokeSoraBatchCommand cmdlet;
        private readonly ProgressThrottle throttle = new();
        private readonly object gate = new();

        public Observer(InvokeSoraBatchCommand cmdlet, int total)
        {
            this.cmdlet = cmdlet;
            Activity = total == 1 ? "Video batch of 1 row" : $"Video batch of {total} rows";
        }

        public string Activity { get; }

        public void RowEnded(SoraBatchResult result) => cmdlet.Post(() =>
        {
            cmdlet.WriteVerbose($"Row {result.Row} ended {result.Status}" + (result.VideoId is null ? string.Empty : $" ({result.VideoId})")
                + (result.Error is null ? "." : ": " + result.Error));
            cmdlet.WriteObject(result);
        });

        public void Progress(BatchProgress progress)
        {
            lock (gate)
            {
                if (!throttle.ShouldWrite(progress.Ended == progress.Total))
                {
                    return;
                }
            }

            var waiting = Math.Max(0, progress.Total - progress.Ended - progress.Unfinished - progress.Downloading);
            var record = new ProgressRecord(
                ProgressActivityId,
                Activity,
                $"{progress.Ended} of {progress.Total} done ({progress.Failed} not succeeded), {progress.Unfinished} being made, {progress.Downloading} downloading, {waiting} waiting")
            {
                PercentComplete = progress.Total == 0 ? 100 : progress.Ended * 100 / progress.Total,
            };
            cmdlet.Post(() => cmdlet.WriteProgress(record));
        }
    }
}
