using System.Management.Automation;
using SoraPS.Completers;
using SoraPS.Infrastructure;

namespace SoraPS.Commands;

/// <summary>Starts a new job that remixes a completed video with a new prompt.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "SoraRemix", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(SoraVideo))]
public sealed class InvokeSoraRemixCommand : SoraCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("VideoId")]
    [ArgumentCompleter(typeof(VideoIdCompleter))]
    public string Id { get; set; } = string.Empty;

    /// <summary>The remix prompt. Never taken from the piped job, whose own prompt is its old one.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [AllowEmptyString]
    public string Prompt { get; set; } = string.Empty;

    protected override void ProcessRecord() => ForRecord(Id, () =>
    {
        InputValidation.VideoId(Id);
        InputValidation.Prompt(Prompt);
        StartJob(Id, "Start a remix job", () => Client.RemixVideoAsync(Id, Prompt, CancellationToken));
    });
}
