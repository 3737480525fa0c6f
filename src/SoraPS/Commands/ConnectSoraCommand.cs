using System;
using System.Management.Automation;
using System.Security;
using SoraPS.Infrastructure;

namespace SoraPS.Commands;

/// <summary>Sets the server and credentials this session uses.</summary>
[Cmdlet(VerbsCommunications.Connect, "Sora")]
[OutputType(typeof(SoraContext))]
public sealed class ConnectSoraCommand : SoraCmdlet
{
    /// <summary>The API key. Falls back to OPENAI_API_KEY when not given.</summary>
    [Parameter(Position = 0)]
    public SecureString? ApiKey { get; set; }

    /// <summary>Any server of the Videos API shape, e.g. https://gateway.example.com/v1.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BaseUri { get; set; }

    [Parameter]
    public string? Organization { get; set; }

    [Parameter]
    public string? Project { get; set; }

    [Parameter]
    [ValidateRange(0, 10)]
    public int MaxRetries { get; set; } = SoraConnection.DefaultMaxRetries;

    /// <summary>Time allowed for one API call (downloads use -ReadIdleTimeoutSec instead).</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSec { get; set; } = (int)SoraConnectionOptions.DefaultRequestTimeout.TotalSeconds;

    [Parameter]
    [ValidateRange(1, 3600)]
    public int ReadIdleTimeoutSec { get; set; } = (int)SoraConnectionOptions.DefaultReadIdleTimeout.TotalSeconds;

    /// <summary>The longest wait for a connection to open.</summary>
    [Parameter]
    [ValidateRange(1, 600)]
    public int ConnectTimeoutSec { get; set; } = (int)SoraConnectionOptions.DefaultConnectTimeout.TotalSeconds;

    /// <summary>Allow the key over plain http to a host other than this machine (a trusted network only).</summary>
    [Parameter]
    public SwitchParameter AllowInsecureHttp { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing()
    {
        SoraConnection connection;
        try
        {
            connection = SoraConnection.FromEnvironment(Environment.GetEnvironmentVariable, new SoraConnectionOptions
            {
                BaseUri = BaseUri is null ? null : InputValidation.ParseBaseUri(BaseUri),
                ApiKey = ApiKey,
                Organization = Organization,
                Project = Project,
                Source = "Connect-Sora",
                MaxRetries = MaxRetries,
                RequestTimeout = TimeSpan.FromSeconds(TimeoutSec),
                ReadIdleTimeout = TimeSpan.FromSeconds(ReadIdleTimeoutSec),
                ConnectTimeout = TimeSpan.FromSeconds(ConnectTimeoutSec),
                AllowInsecureHttp = AllowInsecureHttp,
            });
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(ErrorRecords.InvalidArgument(e, BaseUri));
            return;
        }

        Session.Connection = connection;
        WriteVerbose($"SoraPS now sends requests to {connection.BaseUri}" + (connection.HasApiKey ? " with an API key." : " without an API key."));
        if (PassThru)
        {
            WriteObject(new SoraContext(connection));
        }
    }
}
