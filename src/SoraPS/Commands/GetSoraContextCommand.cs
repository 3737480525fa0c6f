using System.Management.Automation;

namespace SoraPS.Commands;

/// <summary>Shows where requests go and whether a key is set, never the key itself.</summary>
[Cmdlet(VerbsCommon.Get, "SoraContext")]
[OutputType(typeof(SoraContext))]
public sealed class GetSoraContextCommand : Infrastructure.SoraCmdlet
{
    protected override void EndProcessing() => WriteObject(new SoraContext(ResolveConnection()));
}
