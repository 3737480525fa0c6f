using System.IO;
using System.Management.Automation;
using SoraPS.Completers;
using SoraPS.Infrastructure;

namespace SoraPS.Commands;

/// <summary>Starts a new job that edits a completed video, or an uploaded video file, with a prompt.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "SoraEdit", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(SoraVideo))]
public sealed class InvokeSoraEditCommand : SoraCmdlet
{
    private const string ByIdSet = "ById";
    private const string ByFileSet = "ByFile";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByIdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("VideoId")]
    [ArgumentCompleter(typeof(VideoIdCompleter))]
    public string Id { get; set; } = string.Empty;

    /// <summary>A local MP4, QuickTime or WebM video to upload and edit.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByFileSet)]
    [Alias("Path")]
    public string VideoPath { get; set; } = string.Empty;

    /// <summary>How to edit the video. Never taken from the piped job, whose own prompt is its old one.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [AllowEmptyString]
    public string Prompt { get; set; } = string.Empty;

    protected override void ProcessRecord()
    {
        if (ParameterSetName == ByFileSet)
        {
            var path = GetUnresolvedProviderPathFromPSPath(VideoPath);
            ForRecord(path, () =>
            {
                InputValidation.VideoFile(path);
                InputValidation.Prompt(Prompt);
                StartJob(path, "Start an edit job from the uploaded video", () => Client.EditVideoAsync(new FileInfo(path), Prompt, CancellationToken));
            });
            return;
        }

        ForRecord(Id, () =>
        {
            InputValidation.VideoId(Id);
            InputValidation.Prompt(Prompt);
            StartJob(Id, "Start an edit job", () => Client.EditVideoAsync(Id, Prompt, CancellationToken));
        });
    }
}
