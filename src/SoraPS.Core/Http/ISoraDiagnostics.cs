namespace SoraPS;

/// <summary>
/// Where the client tells what it does. The cmdlet layer queues these and writes them from the
/// pipeline thread, because PowerShell's streams may not be written from the thread pool.
/// </summary>
public interface ISoraDiagnostics
{
    /// <summary>False when nobody reads debug messages, so the client need not build them.</summary>
    bool DebugEnabled { get; }

    void Verbose(string message);

    void Debug(string message);

    void Warning(string message);

    /// <summary>
    /// A warning worth seeing once per session, not once per request (a server that announces its
    /// own retirement, for example). <paramref name="key"/> tells repeats apart.
    /// </summary>
    void Notice(string key, string message);
}

internal sealed class NullDiagnostics : ISoraDiagnostics
{
    public static readonly NullDiagnostics Instance = new();

    public bool DebugEnabled => false;

    public void Verbose(string message)
    {
    }

    public void Debug(string message)
    {
    }

    public void Warning(string message)
    {
    }

    public void Notice(string key, string message)
    {
    }
}
