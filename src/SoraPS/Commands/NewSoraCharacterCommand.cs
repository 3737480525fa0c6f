using System.IO;
using System.Management.Automation;
using SoraPS.Infrastructure;

namespace SoraPS.Commands;

/// <summary>Creates a character from an uploaded video.</summary>
[Cmdlet(VerbsCommon.New, "SoraCharacter", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(SoraCharacter))]
public sealed class NewSoraCharacterCommand : SoraCmdlet
{
    /// <summary>The character's display name, 1 to 80 characters.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string Name { get; set; } = string.Empty;

    /// <summary>A local MP4, QuickTime or WebM video that shows the character.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("Path")]
    public string VideoPath { get; set; } = string.Empty;

    protected override void ProcessRecord()
    {
        var path = GetUnresolvedProviderPathFromPSPath(VideoPath);
        ForRecord(path, () =>
        {
            InputValidation.CharacterName(Name);
            InputValidation.VideoFile(path);
            if (!ShouldProcess(path, $"Create the character '{Name}'"))
            {
                return;
            }

            WriteObject(Await(Client.CreateCharacterAsync(Name, new FileInfo(path), CancellationToken)));
        });
    }
}
