using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Security;
using SoraPS.Infrastructure;

namespace SoraPS.Commands;

/// <summary>Sets the server and credentials this session uses.</summary>
[Cmdlet(VerbsCommunications.Connect, "Sora", DefaultParameterSetName = BaseUriSet)]
[OutputType(typeof(SoraContext))]
public sealed class ConnectSoraCommand : SoraCmdlet
{
    private const string BaseUriSet = "BaseUri";
    private const string AzureSet = "Azure";

    /// <summary>The API key. Falls back to OPENAI_API_KEY (AZURE_OPENAI_API_KEY with -AzureEndpoint).</summary>
    [Parameter(Position = 0)]
    [SecureStringTransformation]
    public SecureString? ApiKey { get; set; }

    /// <summary>Any server of the Videos API shape, e.g. https://gateway.example.com/v1.</summary>
    [Parameter(ParameterSetName = BaseUriSet)]
    [ValidateNotNullOrEmpty]
    public string? BaseUri { get; set; }

    /// <summary>An Azure OpenAI resource, e.g. https://myresource.openai.azure.com; its v1 API is used.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AzureSet)]
    [ValidateNotNullOrEmpty]
    public string? AzureEndpoint { get; set; }

    /// <summary>A bearer token (an Entra ID token for Azure OpenAI), as a SecureString or a string.</summary>
    [Parameter]
    [SecureStringTransformation]
    public SecureString? AccessToken { get; set; }

    /// <summary>The header that carries the key instead of "Authorization: Bearer" (api-key for Azure).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ApiKeyHeader { get; set; }

    /// <summary>Extra headers for every request to this server, such as a gateway's routing headers.</summary>
    [Parameter]
    public Hashtable? Header { get; set; }

    [Parameter(ParameterSetName = BaseUriSet)]
    public string? Organization { get; set; }

    [Parameter(ParameterSetName = BaseUriSet)]
    public string? Project { get; set; }

    [Parameter]
    [ValidateRange(0, 10)]
    public int MaxRetries { get; set; } = SoraConnection.DefaultMaxRetries;

    /// <summary>The longest wait for one answer; each retry gets its own.</summary>
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

    /// <summary>Allow credentials over plain http to a host other than this machine (a trusted network only).</summary>
    [Parameter]
    public SwitchParameter AllowInsecureHttp { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing()
    {
        SoraConnection connection;
        try
        {
            Uri? baseUri = ParameterSetName == AzureSet
                ? SoraConnection.AzureBaseUri(InputValidation.ParseBaseUri(AzureEndpoint!, "-AzureEndpoint"))
                : BaseUri is null ? null : InputValidation.ParseBaseUri(BaseUri);
            connection = SoraConnection.FromEnvironment(Environment.GetEnvironmentVariable, new SoraConnectionOptions
            {
                BaseUri = baseUri,
                ApiKey = ApiKey,
                ApiKeyHeader = ApiKeyHeader,
                AccessToken = AccessToken,
                Azure = ParameterSetName == AzureSet,
                Headers = Headers(),
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
            ThrowTerminatingError(ErrorRecords.InvalidArgument(e, BaseUri ?? AzureEndpoint));
            return;
        }

        Session.Connection = connection;
        var context = new SoraContext(connection);
        WriteVerbose($"SoraPS now sends requests to {connection.BaseUri} ({context.Authentication}).");
        if (connection.AccessTokenExpired)
        {
            WriteWarning($"The access token expires at {connection.AccessTokenExpiresAt:u}, so requests would be refused. {connection.RenewTokenAdvice}");
        }

        if (PassThru)
        {
            WriteObject(context);
        }
    }

    private Dictionary<string, string>? Headers()
    {
        if (Header is null)
        {
            return null;
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in Header)
        {
            var name = LanguagePrimitives.ConvertTo<string>(entry.Key)?.Trim();
            if (string.IsNullOrEmpty(name))
            {
                throw new ArgumentException("-Header has an entry with an empty name.", nameof(Header));
            }

            headers[name!] = LanguagePrimitives.ConvertTo<string>(entry.Value) ?? string.Empty;
        }

        return headers;
    }
}
