using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace SoraPS.Infrastructure;

/// <summary>
/// Plumbing every SoraPS cmdlet shares: cancellation on Ctrl+C, the connection of this runspace, and a
/// small message pump so that work running on the thread pool can report through Verbose, Debug,
/// Warning and Progress, which PowerShell allows only from the pipeline thread.
/// </summary>
public abstract class SoraCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private readonly PipelinePump pump = new();
    private SoraClient? client;
    private bool disposed;

    /// <summary>Cancelled when the user presses Ctrl+C or a downstream command stops the pipeline.</summary>
    protected CancellationToken CancellationToken => stopping.Token;

    /// <summary>The client for this command, created on first use from this runspace's connection.</summary>
    protected SoraClient Client => client ??= CreateClient();

    private protected static SoraSession Session => SoraSession.Current;

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposed)
        {
            return;
        }

        if (disposing)
        {
            stopping.Dispose();
            pump.Dispose();
        }

        disposed = true;
    }

    protected override void StopProcessing() => stopping.Cancel();

    /// <summary>
    /// Blocks until <paramref name="task"/> ends, writing what it reports meanwhile. This is the only
    /// place the module blocks on async work.
    /// </summary>
    protected T Await<T>(Task<T> task)
    {
        try
        {
            return pump.Await(task);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    protected void Await(Task task) => Await(task.ContinueWith(t => { t.GetAwaiter().GetResult(); return true; }, TaskScheduler.Default));

    /// <summary>
    /// ShouldProcess that -Force lets through without a prompt, unless the user asked for -Confirm or
    /// for a what-if run (by -WhatIf or $WhatIfPreference): scripts and runbooks must never wait on a prompt.
    /// </summary>
    protected bool ShouldProcessUnlessForced(bool force, string target, string action)
    {
        var bound = MyInvocation.BoundParameters;
        var whatIf = bound.TryGetValue("WhatIf", out var whatIfValue)
            ? ((SwitchParameter)whatIfValue).IsPresent
            : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
        var confirm = bound.TryGetValue("Confirm", out var confirmValue) && ((SwitchParameter)confirmValue).IsPresent;
        return (force && !whatIf && !confirm) || ShouldProcess(target, action);
    }

    /// <summary>Writes a job, and remembers it so that -Id can complete it without a request.</summary>
    private protected void WriteVideo(SoraVideo video)
    {
        Session.Remember(video);
        WriteObject(video);
    }

    /// <summary>
    /// Writes the jobs of a page one by one, remembered as <see cref="WriteVideo"/> does, with one look-up
    /// of the session for the page. When a downstream Select-Object -First has enough, WriteObject throws.
    /// </summary>
    private protected void WriteVideos(IReadOnlyList<SoraVideo> videos)
    {
        Session.Remember(videos);
        foreach (var video in videos)
        {
            WriteObject(video);
        }
    }

    /// <summary>Starts a billed job once ShouldProcess agrees, and writes it.</summary>
    private protected void StartJob(string target, string action, Func<Task<SoraVideo>> start)
    {
        if (ShouldProcess(target, action))
        {
            WriteVideo(Await(start()));
        }
    }

    /// <summary>Pulls the next item of an async sequence on the pipeline thread; false at its end.</summary>
    protected bool AwaitNext<T>(IAsyncEnumerator<T> enumerator) => Await(enumerator.MoveNextAsync().AsTask());

    /// <summary>Runs <paramref name="write"/> on the pipeline thread at the next chance.</summary>
    private protected void Post(Action write) => pump.Post(write);

    /// <summary>
    /// Reports a failure of one record as a non-terminating error, so -ErrorAction works, and lets
    /// anything that is not a known failure propagate.
    /// </summary>
    protected void WriteFailure(Exception exception, object? target)
    {
        if (exception is OperationCanceledException && stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }

        var record = ErrorRecords.From(exception, target);
        if (record is null)
        {
            throw exception;
        }

        WriteError(record);
    }

    /// <summary>Runs one record's work and reports its failure without stopping the others.</summary>
    protected void ForRecord(object? target, Action work)
    {
        try
        {
            work();
        }
        catch (Exception e) when (e is SoraApiException or ArgumentException or System.IO.IOException or UnauthorizedAccessException)
        {
            WriteFailure(e, target);
        }
    }

    /// <summary>The connection in effect: Connect-Sora's, else the environment's.</summary>
    private protected SoraConnection ResolveConnection()
    {
        try
        {
            return Session.Connection ?? SoraConnection.FromEnvironment(Environment.GetEnvironmentVariable);
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(ErrorRecords.InvalidArgument(e, null));
            throw; // not reached: ThrowTerminatingError always throws
        }
    }

    private SoraClient CreateClient()
    {
        var connection = ResolveConnection();

        // A local emulator needs no key; every other server does.
        if (!connection.HasCredential && !connection.BaseUri.IsLoopback)
        {
            ThrowTerminatingError(ErrorRecords.NoApiKey(connection));
        }

        return new SoraClient(connection, new PipelineDiagnostics(this, Requested("Debug", "DebugPreference"), Requested("Verbose", "VerbosePreference")));
    }

    /// <summary>Whether this command's -Debug or -Verbose, else the preference in scope, asks for that stream.</summary>
    private bool Requested(string parameter, string preferenceVariable) =>
        MyInvocation.BoundParameters.TryGetValue(parameter, out var bound)
            ? ((SwitchParameter)bound).IsPresent
            : GetVariableValue(preferenceVariable) is ActionPreference preference && preference != ActionPreference.SilentlyContinue;

    /// <summary>Queues the client's messages for the pipeline thread.</summary>
    private sealed class PipelineDiagnostics : ISoraDiagnostics
    {
        private readonly SoraCmdlet cmdlet;
        private readonly bool verboseEnabled;

        public PipelineDiagnostics(SoraCmdlet cmdlet, bool debugEnabled, bool verboseEnabled)
        {
            this.cmdlet = cmdlet;
            DebugEnabled = debugEnabled;
            this.verboseEnabled = verboseEnabled;
        }

        public bool DebugEnabled { get; }

        // A verbose line nobody reads is dropped here: queued, it would wake the pipeline thread once per request.
        public void Verbose(string message)
        {
            if (verboseEnabled)
            {
                cmdlet.Post(() => cmdlet.WriteVerbose(message));
            }
        }

        public void Debug(string message) => cmdlet.Post(() => cmdlet.WriteDebug(message));

        public void Warning(string message) => cmdlet.Post(() => cmdlet.WriteWarning(message));

        // The session is looked up on the pipeline thread, where the runspace is known.
        public void Notice(string key, string message) => cmdlet.Post(() =>
        {
            if (Session.FirstNotice(key))
            {
                cmdlet.WriteWarning(message);
            }
        });
    }
}
