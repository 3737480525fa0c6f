using System.Management.Automation;
using SoraPS.Completers;
using SoraPS.Infrastructure;

namespace SoraPS.Commands;

/// <summary>Deletes completed or failed jobs and their stored assets.</summary>
[Cmdlet(VerbsCommon.Remove, "SoraVideo", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(SoraVideoDeletion))]
public sealed class RemoveSoraVideoCommand : SoraCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("VideoId")]
    [ArgumentCompleter(typeof(VideoIdCompleter))]
    public string[] Id { get; set; } = [];

    /// <summary>Delete without asking (scripts and runbooks must never wait on a prompt). -WhatIf (or $WhatIfPreference) and an explicit -Confirm still win.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var id in Id)
        {
            ForRecord(id, () =>
            {
                InputValidation.VideoId(id);
                if (!ShouldProcessUnlessForced(Force, id, "Delete the video job and its assets"))
                {
                    return;
                }

                var deletion = Await(Client.DeleteVideoAsync(id, CancellationToken));
                Session.Forget(id);
                if (PassThru)
                {
                    WriteObject(deletion);
                }
            });
        }
    }
}
