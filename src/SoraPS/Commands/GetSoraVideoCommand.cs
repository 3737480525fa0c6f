using System.Management.Automation;
using SoraPS.Completers;
using SoraPS.Infrastructure;

namespace SoraPS.Commands;

/// <summary>Gets jobs by id, or lists them a page at a time or all at once.</summary>
[Cmdlet(VerbsCommon.Get, "SoraVideo", DefaultParameterSetName = ListSet)]
[OutputType(typeof(SoraVideo))]
public sealed class GetSoraVideoCommand : SoraCmdlet
{
    private const string ListSet = "List";
    private const string ByIdSet = "ById";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByIdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("VideoId")]
    [ArgumentCompleter(typeof(VideoIdCompleter))]
    public string[] Id { get; set; } = [];

    /// <summary>Jobs per page: the server's default (20) for one page, 100 with -All.</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ValidateRange(InputValidation.MinListLimit, InputValidation.MaxListLimit)]
    public int? Limit { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    public ListOrder? Order { get; set; }

    /// <summary>Start after this job id (the last id of the previous page).</summary>
    [Parameter(ParameterSetName = ListSet)]
    public string? After { get; set; }

    /// <summary>
    /// Follow every page (100 jobs each unless -Limit says otherwise). Jobs are written as each page arrives;
    /// a stopped pipeline asks for no more pages.
    /// </summary>
    [Parameter(ParameterSetName = ListSet)]
    public SwitchParameter All { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == ByIdSet)
        {
            foreach (var id in Id)
            {
                ForRecord(id, () => WriteVideo(Await(Client.GetVideoAsync(id, CancellationToken))));
            }

            return;
        }

        var query = new ListVideosQuery { Limit = Limit, Order = Order, After = After };
        if (!All)
        {
            ForRecord(After, () =>
            {
                WriteVideos(Await(Client.ListVideosAsync(query, CancellationToken)).Data);
            });
            return;
        }

        ForRecord(After, () =>
        {
            var pages = Client.ListAllPagesAsync(query, CancellationToken).GetAsyncEnumerator(CancellationToken);
            try
            {
                // When a downstream Select-Object -First has enough, WriteVideos throws, and disposing the
                // walk cancels the page read ahead, if any.
                while (AwaitNext(pages))
                {
                    WriteVideos(pages.Current.Data);
                }
            }
            finally
            {
                Await(pages.DisposeAsync().AsTask());
            }
        });
    }
}
