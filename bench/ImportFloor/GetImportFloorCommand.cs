using System.Management.Automation;

namespace ImportFloor;

/// <summary>One cmdlet that writes one object: the module is only there to be imported.</summary>
[Cmdlet(VerbsCommon.Get, "ImportFloor")]
[OutputType(typeof(FloorItem))]
public sealed class GetImportFloorCommand : PSCmdlet
{
    protected override void ProcessRecord() => WriteObject(new FloorItem());
}

public sealed class FloorItem
{
    public string Name { get; set; } = "floor";
}
