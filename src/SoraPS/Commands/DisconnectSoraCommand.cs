using System.Management.Automation;

namespace SoraPS.Commands;

/// <summary>Forgets this session's connection; later commands use the environment again.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "Sora")]
[OutputType(typeof(void))]
public sealed class DisconnectSoraCommand : Infrastructure.SoraCmdlet
{
    protected override void EndProcessing()
    {
        Session.Connection = null;
        WriteVerbose("SoraPS forgot this session's connection; the OPENAI_* environment variables apply again.");
    }
}
