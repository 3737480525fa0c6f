using System.Management.Automation;
using SoraPS.Infrastructure;

namespace SoraPS.Commands;

/// <summary>Gets characters by id.</summary>
[Cmdlet(VerbsCommon.Get, "SoraCharacter")]
[OutputType(typeof(SoraCharacter))]
public sealed class GetSoraCharacterCommand : SoraCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("CharacterId")]
    public string[] Id { get; set; } = [];

    protected override void ProcessRecord()
    {
        foreach (var id in Id)
        {
            ForRecord(id, () => WriteObject(Await(Client.GetCharacterAsync(id, CancellationToken))));
        }
    }
}
