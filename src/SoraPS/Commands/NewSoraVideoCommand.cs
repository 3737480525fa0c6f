using System;
using System.Collections.Generic;
using System.Management.Automation;
using SoraPS.Completers;
using SoraPS.Infrastructure;

namespace SoraPS.Commands;

/// <summary>Starts a video job from a prompt, optionally guided by an image.</summary>
[Cmdlet(VerbsCommon.New, "SoraVideo", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(SoraVideo))]
public sealed class NewSoraVideoCommand : WaitingCmdlet
{
    private readonly List<SoraVideo> started = [];

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string[] Prompt { get; set; } = [];

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public string? Model { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(SecondsCompleter))]
    public string? Seconds { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(SizeCompleter))]
    public string? Size { get; set; }

    /// <summary>A local JPEG, PNG or WebP image that becomes the first frame; it must match -Size.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? InputReference { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? InputReferenceUri { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? InputReferenceFileId { get; set; }

    /// <summary>Wait for the jobs to finish and write the finished jobs instead of the queued ones.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var prompt in Prompt)
        {
            // A CSV row binds empty cells as empty strings: they mean "not given".
            var request = new CreateVideoRequest(prompt)
            {
                Model = Model,
                Seconds = Seconds,
                Size = Size,
                InputReferencePath = string.IsNullOrWhiteSpace(InputReference) ? null : GetUnresolvedProviderPathFromPSPath(InputReference),
                InputReferenceUri = string.IsNullOrWhiteSpace(InputReferenceUri) ? null : InputReferenceUri,
                InputReferenceFileId = string.IsNullOrWhiteSpace(InputReferenceFileId) ? null : InputReferenceFileId,
            };
            ForRecord(prompt, () => Create(request));
        }
    }

    private void Create(CreateVideoRequest request)
    {
        var valid = request.Validate();
        if (!ShouldProcess(Describe(valid.Prompt), "Create a video job"))
        {
            return;
        }

        var video = Await(Client.CreateVideoAsync(valid, CancellationToken));
        WriteVerbose($"Started video job {video.Id} ({video.Status}).");
        if (Wait)
        {
            Session.Remember(video);
            started.Add(video);
        }
        else
        {
            WriteVideo(video);
        }
    }

    protected override void EndProcessing()
    {
        if (Wait && started.Count > 0)
        {
            WaitAndWrite(started);
        }
    }

    private static string Describe(string prompt)
    {
        var oneLine = prompt.Replace('\r', ' ').Replace('\n', ' ').Trim();
        return oneLine.Length > 60 ? "\"" + oneLine.Substring(0, 57) + "...\"" : "\"" + oneLine + "\"";
    }
}
