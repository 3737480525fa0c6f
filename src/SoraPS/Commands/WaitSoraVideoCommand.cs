using System.Collections.Generic;
using System.Management.Automation;
using SoraPS.Completers;
using SoraPS.Infrastructure;

namespace SoraPS.Commands;

/// <summary>Waits for jobs to finish, all at once, writing each as it completes.</summary>
[Cmdlet(VerbsLifecycle.Wait, "SoraVideo", DefaultParameterSetName = ByVideoSet)]
[OutputType(typeof(SoraVideo))]
public sealed class WaitSoraVideoCommand : WaitingCmdlet
{
    private const string ByVideoSet = "ByVideo";
    private const string ByIdSet = "ById";

    private readonly List<SoraVideo> jobs = [];

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByVideoSet, ValueFromPipeline = true)]
    public SoraVideo[] Video { get; set; } = [];

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByIdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("VideoId")]
    [ArgumentCompleter(typeof(VideoIdCompleter))]
    public string[] Id { get; set; } = [];

    protected override void ProcessRecord()
    {
        if (ParameterSetName == ByVideoSet)
        {
            jobs.AddRange(Video);
            return;
        }

        foreach (var id in Id)
        {
            ForRecord(id, () => jobs.Add(new SoraVideo { Id = InputValidation.VideoId(id) }));
        }
    }

    protected override void EndProcessing()
    {
        if (jobs.Count > 0)
        {
            WaitAndWrite(jobs);
        }
    }
}
