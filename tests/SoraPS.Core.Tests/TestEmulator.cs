using System;
using System.Collections.Concurrent;
using System.IO;
using System.Threading.Tasks;
using SoraPS.Emulator;

namespace SoraPS.Core.Tests;

/// <summary>An emulator on a free loopback port, with a client pointed at it.</summary>
internal sealed class TestEmulator : IAsyncDisposable
{
    private TestEmulator(EmulatorServer server, SoraConnection connection)
    {
        Server = server;
        Connection = connection;
        Log = new RecordingDiagnostics();
        Client = new SoraClient(connection, Log);
    }

    public EmulatorServer Server { get; }

    public SoraConnection Connection { get; }

    public SoraClient Client { get; }

    public RecordingDiagnostics Log { get; }

    public static async Task<TestEmulator> StartAsync(
        Action<EmulatorOptions>? configure = null, string? apiKey = null, int maxRetries = 2, TimeSpan? readIdleTimeout = null, TimeSpan? requestTimeout = null)
    {
        var options = new EmulatorOptions { RenderTime = TimeSpan.FromMilliseconds(300), PollAfterMs = 20 };
        configure?.Invoke(options);
        var server = await EmulatorServer.StartAsync(options);
        using var key = apiKey is null ? null : Secure(apiKey);
        var connection = new SoraConnection(new SoraConnectionOptions
        {
            BaseUri = server.BaseUri,
            ApiKey = key,
            MaxRetries = maxRetries,
            ReadIdleTimeout = readIdleTimeout ?? SoraConnectionOptions.DefaultReadIdleTimeout,
            RequestTimeout = requestTimeout ?? SoraConnectionOptions.DefaultRequestTimeout,
        });
        return new TestEmulator(server, connection);
    }

    public static System.Security.SecureString Secure(string value)
    {
        var secure = new System.Security.SecureString();
        foreach (var c in value)
        {
            secure.AppendChar(c);
        }

        return secure;
    }

    /// <summary>Fast waiting for tests: the emulator renders in a fraction of a second.</summary>
    public static WaitOptions QuickWait(TimeSpan? timeout = null) =>
        new() { PollInterval = TimeSpan.FromMilliseconds(20), Timeout = timeout ?? TimeSpan.FromSeconds(20) };

    public async Task<SoraVideo> CompletedVideoAsync(string prompt = "A lighthouse at dawn")
    {
        var created = await Client.CreateVideoAsync(new CreateVideoRequest(prompt));
        await foreach (var update in new VideoWaiter(Client).WaitAsync([created], QuickWait()))
        {
            if (update.Kind == WaitUpdateKind.Finished)
            {
                return update.Video!;
            }
        }

        throw new InvalidOperationException("The job did not finish.");
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

internal sealed class RecordingDiagnostics : ISoraDiagnostics
{
    public ConcurrentQueue<string> Messages { get; } = new();

    public bool DebugEnabled => true;

    public void Verbose(string message) => Messages.Enqueue("VERBOSE: " + message);

    public void Debug(string message) => Messages.Enqueue("DEBUG: " + message);

    public void Warning(string message) => Messages.Enqueue("WARNING: " + message);

    public void Notice(string key, string message) => Messages.Enqueue($"NOTICE {key}: {message}");
}

/// <summary>A folder on the real disk, removed after the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sorapstest-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string[] Files() => Directory.GetFiles(Path, "*", SearchOption.AllDirectories);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
