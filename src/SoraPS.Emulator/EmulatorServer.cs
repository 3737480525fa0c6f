using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SoraPS.Emulator.Endpoints;
using SoraPS.Emulator.Http;
using SoraPS.Emulator.Profiles;
using SoraPS.Emulator.State;

namespace SoraPS.Emulator;

/// <summary>
/// The emulator of the Videos API, hosted on Kestrel: in a test process (<see cref="StartAsync"/>)
/// or from the command line (Program.cs). The API is served under the profile's prefixes (for
/// OpenAI's, /v1 and /openai/v1).
/// </summary>
public sealed class EmulatorServer : IAsyncDisposable
{
    /// <summary>Largest request body accepted (uploads for edits and characters).</summary>
    private const long MaxRequestBodyBytes = 1L << 30;

    private readonly WebApplication _app;
    private readonly VideoStore _videos;
    private readonly RequestLog _log = new();

    private EmulatorServer(WebApplication app, VideoStore videos)
    {
        _app = app;
        _videos = videos;
    }

    /// <summary>Base URL of the API, e.g. http://127.0.0.1:41234/v1/ (with the trailing slash).</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>Root URL of the server, e.g. http://127.0.0.1:41234/.</summary>
    public Uri RootUri { get; private set; } = null!;

    /// <summary>The requests that reached the API routes so far, in arrival order (a snapshot).</summary>
    public IReadOnlyList<RecordedRequest> Requests => _log.Snapshot();

    /// <summary>Faults to inject into the next matching requests.</summary>
    public FaultSwitch Faults { get; } = new();

    /// <summary>Ids of every job that exists (not deleted), in creation order.</summary>
    public IReadOnlyCollection<string> JobIds => _videos.Ids;

    /// <summary>Jobs ever created by POST requests (seeded jobs excluded): proves that a retry did not bill a second job.</summary>
    public int JobsCreated => _videos.JobsCreated;

    /// <summary>Jobs created, jobs that exist, jobs unfinished now and the most ever unfinished at once, read together.</summary>
    public EmulatorStats Stats => _videos.Stats;

    /// <summary>Starts a server; with the default options on a free loopback port.</summary>
    public static async Task<EmulatorServer> StartAsync(EmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new EmulatorOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RenderTime, TimeSpan.Zero, nameof(options.RenderTime));
        ArgumentOutOfRangeException.ThrowIfNegative(options.SeedCompletedJobs, nameof(options.SeedCompletedJobs));
        ArgumentOutOfRangeException.ThrowIfNegative(options.PollAfterMs, nameof(options.PollAfterMs));
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ApiKeyHeader, nameof(options.ApiKeyHeader));
        var profile = ServerProfile.For(options);

        // The empty builder reads no configuration files and adds no logging providers: many
        // servers may run in one test process, quietly.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
        });
        builder.WebHost.UseUrls(options.Urls);
        builder.Services.AddRoutingCore();
        builder.Services.AddLogging();
        var app = builder.Build();

        var videos = new VideoStore(options.RenderTime, TimeProvider.System, profile);
        videos.Seed(options.SeedCompletedJobs);
        var server = new EmulatorServer(app, videos);
        server.MapRoutes(
            new EmulatorState(videos, new CharacterStore(TimeProvider.System), profile),
            new ApiKeyCheck(options.ApiKey, options.ApiKeyHeader, options.RequiredHeaders, profile.OwnKeyHeader));

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        server.RootUri = new Uri(address.TrimEnd('/') + "/");
        server.BaseUri = new Uri(server.RootUri, "v1/");
        return server;
    }

    /// <summary>Forgets the recorded requests.</summary>
    public void ClearRequests() => _log.Clear();

    /// <summary>Adds <paramref name="count"/> completed jobs (not counted in <see cref="JobsCreated"/>).</summary>
    public void SeedCompletedJobs(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _videos.Seed(count);
    }

    /// <summary>Completes when the host is asked to stop (Ctrl+C, SIGTERM) or the token fires.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private void MapRoutes(EmulatorState state, ApiKeyCheck keyCheck)
    {
        var pipeline = new ApiPipeline(_log, Faults, keyCheck, state.Profile);
        _app.Use(pipeline.InvokeAsync);
        ControlEndpoints.Map(_app, this);
        foreach (var prefix in state.Profile.ApiPrefixes)
        {
            var api = _app.MapGroup(prefix);
            VideoEndpoints.Map(api, state);
            DerivedVideoEndpoints.Map(api, state);
            CharacterEndpoints.Map(api, state);
            ContentEndpoint.Map(api, state);
        }

        FallbackEndpoint.Map(_app, state.Profile);
    }
}
