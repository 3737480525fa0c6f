using System;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using SoraPS.Completers;
using SoraPS.Infrastructure;

namespace SoraPS.Commands;

/// <summary>Downloads a completed job's video, thumbnail or spritesheet straight to disk.</summary>
[Cmdlet(VerbsData.Save, "SoraVideoContent", DefaultParameterSetName = ByVideoSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(FileInfo))]
public sealed class SaveSoraVideoContentCommand : SoraCmdlet
{
    private const string ByVideoSet = "ByVideo";
    private const string ByIdSet = "ById";
    private const int ProgressActivityId = 1;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByVideoSet, ValueFromPipeline = true)]
    public SoraVideo[] Video { get; set; } = [];

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByIdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("VideoId")]
    [ArgumentCompleter(typeof(VideoIdCompleter))]
    public string[] Id { get; set; } = [];

    [Parameter]
    [ValidateNotNullOrEmpty]
    public VideoVariant[] Variant { get; set; } = [VideoVariant.Video];

    /// <summary>A folder (default names) or, for one variant, a file name. Relative to the current location.</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>Like -Path, with no wildcard interpretation.</summary>
    [Parameter]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string? LiteralPath { get; set; }

    /// <summary>Replace existing files. A failed download never replaces anything, with or without -Force.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Keep what arrived when a download fails, and continue it on the next run instead of starting over.</summary>
    [Parameter]
    public SwitchParameter Resume { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        if (Path is not null && LiteralPath is not null)
        {
            ThrowTerminatingError(ErrorRecords.InvalidArgument(
                new ArgumentException("Give either -Path or -LiteralPath, not both."), Path));
        }
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == ByVideoSet)
        {
            foreach (var video in Video)
            {
                ForRecord(video, () => Save(video));
            }

            return;
        }

        foreach (var id in Id)
        {
            ForRecord(id, () => Save(Await(Client.GetVideoAsync(InputValidation.VideoId(id), CancellationToken))));
        }
    }

    private void Save(SoraVideo video)
    {
        // A piped job is a snapshot: one that was still running then may have completed since.
        if (!video.IsFinished && ParameterSetName == ByVideoSet)
        {
            video = Await(Client.GetVideoAsync(video.Id, CancellationToken));
        }

        if (!video.IsCompleted)
        {
            WriteError(ErrorRecords.JobNotCompleted(video));
            return;
        }

        var target = ResolveTarget();
        var downloader = new ContentDownloader(Client);
        foreach (var variant in Variant)
        {
            ForRecord(video, () =>
            {
                var path = target.Resolve(video.Id, variant, null);
                if (!ShouldProcess(path, $"Save the {variant.ToString().ToLowerInvariant()} of video job {video.Id}"))
                {
                    return;
                }

                var options = new DownloadOptions { Overwrite = Force, Resume = Resume, Progress = new Progress(this, new ProgressThrottle()) };
                try
                {
                    var file = Await(downloader.DownloadAsync(video.Id, variant, target, options, CancellationToken));
                    WriteVerbose($"Saved {file.Length} bytes to {file.FullName}.");
                    if (PassThru)
                    {
                        WriteObject(file);
                    }
                }
                finally
                {
                    WriteProgress(new ProgressRecord(ProgressActivityId, "Saving video content", "Done") { RecordType = ProgressRecordType.Completed });
                }
            });
        }
    }

    private DownloadTarget ResolveTarget()
    {
        string full;
        if (LiteralPath is not null)
        {
            full = GetUnresolvedProviderPathFromPSPath(LiteralPath);
        }
        else if (Path is not null)
        {
            // An existing path may use wildcards; a new one is taken as written.
            var resolved = WildcardPattern.ContainsWildcardCharacters(Path)
                ? SessionState.Path.GetResolvedProviderPathFromPSPath(Path, out _)
                : null;
            if (resolved is { Count: > 1 })
            {
                throw new ArgumentException($"-Path '{Path}' matches {resolved.Count} items; it must name one folder or file.");
            }

            full = resolved is { Count: 1 } ? resolved[0] : GetUnresolvedProviderPathFromPSPath(Path);
        }
        else
        {
            full = SessionState.Path.CurrentFileSystemLocation.ProviderPath;
        }

        var target = DownloadTarget.FromUserPath(full);
        if (!target.IsFolder && Variant.Length > 1)
        {
            throw new ArgumentException($"-Path '{full}' names one file, but {Variant.Length} variants were asked for. Pass a folder instead.");
        }

        return target;
    }

    /// <summary>Reports download progress (bytes, rate, time left) through the pipeline thread, about once a second.</summary>
    private sealed class Progress : IProgress<DownloadProgress>
    {
        private readonly SaveSoraVideoContentCommand cmdlet;
        private readonly ProgressThrottle throttle;
        private readonly System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();

        public Progress(SaveSoraVideoContentCommand cmdlet, ProgressThrottle throttle)
        {
            this.cmdlet = cmdlet;
            this.throttle = throttle;
        }

        public void Report(DownloadProgress value)
        {
            if (!throttle.ShouldWrite())
            {
                return;
            }

            var seconds = clock.Elapsed.TotalSeconds;
            var rate = seconds > 0 ? value.BytesReceived / seconds : 0;
            var received = value.TotalBytes is { } total ? $"{Megabytes(value.BytesReceived)} of {Megabytes(total)}" : Megabytes(value.BytesReceived);
            var record = new ProgressRecord(ProgressActivityId, $"Saving {System.IO.Path.GetFileName(value.Path)}", $"{received} at {Megabytes((long)rate)}/s");
            if (value.TotalBytes is { } length && length > 0)
            {
                record.PercentComplete = (int)Math.Min(100, value.BytesReceived * 100 / length);
                if (rate > 0)
                {
                    record.SecondsRemaining = (int)Math.Ceiling((length - value.BytesReceived) / rate);
                }
            }

            cmdlet.Post(() => cmdlet.WriteProgress(record));
        }

        private static string Megabytes(long bytes) => (bytes / 1048576d).ToString("0.0", CultureInfo.InvariantCulture) + " MB";
    }
}
