using System.Management.Automation;
using SoraPS.Completers;
using SoraPS.Infrastructure;

namespace SoraPS.Commands;

/// <summary>Starts a new job that continues a completed video; the new job's length is the stitched total.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "SoraExtension", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(SoraVideo))]
public sealed class InvokeSoraExtensionCommand : SoraCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("VideoId")]
    [ArgumentCompleter(typeof(VideoIdCompleter))]
    public string Id { get; set; } = string.Empty;

    /// <summary>What happens next. Never taken from the piped job, whose own prompt is its old one.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [AllowEmptyString]
    public string Prompt { get; set; } = string.Empty;

    /// <summary>
    /// Seconds to add. Never taken from the piped job, whose own seconds are its length so far.
    /// </summary>
    [Parameter(Mandatory = true, Position = 2)]
    [ArgumentCompleter(typeof(SecondsCompleter))]
    public string Seconds { get; set; } = string.Empty;

    protected override void ProcessRecord() => ForRecord(Id, () =>
    {
        InputValidation.VideoId(Id);
        InputValidation.Prompt(Prompt);
        InputValidation.ExtensionSeconds(Seconds);
        StartJob(Id, $"Start an extension job adding {Seconds.Trim()} s", () => Client.ExtendVideoAsync(Id, Prompt, Seconds, CancellationToken));
    });
}
