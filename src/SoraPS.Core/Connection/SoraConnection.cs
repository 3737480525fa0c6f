using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security;

namespace SoraPS;

/// <summary>
/// Where requests go and who they are sent as. Immutable: the cmdlet layer keeps one per runspace,
/// so that jobs sharing a process (Azure Automation) never see each other's settings.
/// </summary>
public sealed class SoraConnection
{
    /// <summary>OpenAI's own base. The Videos API is gone there; compatible servers set their own base.</summary>
    public static readonly Uri DefaultBaseUri = new("https://api.openai.com/v1/");

    public const int DefaultMaxRetries = 2;

    private readonly SecureString? apiKey;
    private readonly SecureString? accessToken;

    public SoraConnection(SoraConnectionOptions? options = null)
    {
        options ??= new SoraConnectionOptions();
        BaseUri = NormalizeBaseUri(options.BaseUri ?? DefaultBaseUri);
        apiKey = ReadOnlyCopy(options.ApiKey);
        accessToken = ReadOnlyCopy(options.AccessToken);
        ApiKeyHeader = string.IsNullOrWhiteSpace(options.ApiKeyHeader) || string.Equals(options.ApiKeyHeader!.Trim(), "Authorization", StringComparison.OrdinalIgnoreCase)
            ? null
            : options.ApiKeyHeader.Trim();
        Azure = options.Azure;
        Headers = (options.Headers ?? new Dictionary<string, string>()).ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);
        var reserved = Headers.Keys.FirstOrDefault(IsReservedHeader);
        if (reserved is not null)
        {
            throw new ArgumentException(
                $"-Header cannot set '{reserved}': SoraPS sets it itself. Give the key with -ApiKey (and -ApiKeyHeader), "
                + "a token with -AccessToken, and the organization and project with -Organization and -Project.",
                nameof(options));
        }
        if (accessToken is not null)
        {
            AccessTokenExpiresAt = JwtExpiry.Read(RevealAccessToken()!);
        }

        Organization = string.IsNullOrWhiteSpace(options.Organization) ? null : options.Organization!.Trim();
        Project = string.IsNullOrWhiteSpace(options.Project) ? null : options.Project!.Trim();
        Source = options.Source;
        MaxRetries = options.MaxRetries >= 0
            ? options.MaxRetries
            : throw new ArgumentOutOfRangeException(nameof(options), options.MaxRetries, "The retry count cannot be negative.");
        RequestTimeout = Positive(options.RequestTimeout, nameof(options.RequestTimeout));
        ReadIdleTimeout = Positive(options.ReadIdleTimeout, nameof(options.ReadIdleTimeout));
        ConnectTimeout = Positive(options.ConnectTimeout, nameof(options.ConnectTimeout));
        AllowInsecureHttp = options.AllowInsecureHttp;

        // A key in clear text may cross only this machine's loopback unless the user says otherwise.
        if (HasCredential && BaseUri.Scheme == Uri.UriSchemeHttp && !BaseUri.IsLoopback && !AllowInsecureHttp)
        {
            throw new ArgumentException(
                $"{BaseUri} uses plain http, which would send the API key unencrypted. Use an https address, "
                + "or pass -AllowInsecureHttp to Connect-Sora if the network between here and the server is trusted.",
                nameof(options));
        }
    }

    /// <summary>The API base, always ending in a slash so that relative paths append to it.</summary>
    public Uri BaseUri { get; }

    public bool HasApiKey => apiKey is not null;

    public bool HasAccessToken => accessToken is not null;

    /// <summary>A key or a token: something that proves who is calling.</summary>
    public bool HasCredential => HasApiKey || HasAccessToken;

    /// <summary>Null for "Authorization: Bearer"; otherwise the header that carries the raw key.</summary>
    public string? ApiKeyHeader { get; }

    public bool Azure { get; }

    /// <summary>When the access token stops being valid, if it is a JWT that says so.</summary>
    public DateTimeOffset? AccessTokenExpiresAt { get; }

    /// <summary>A token that expires within 30 seconds is treated as expired: a request would not outlive it.</summary>
    public bool AccessTokenExpired => AccessTokenExpiresAt is { } expiry && expiry <= DateTimeOffset.UtcNow.AddSeconds(30);

    /// <summary>What to do when the token is expired or refused.</summary>
    public string RenewTokenAdvice => Azure
        ? "Get a new token, for example (Get-AzAccessToken -ResourceUrl https://cognitiveservices.azure.com).Token, and run Connect-Sora -AccessToken again."
        : "Get a new token from its issuer and run Connect-Sora -AccessToken again.";

    public IReadOnlyDictionary<string, string> Headers { get; }

    public string? Organization { get; }

    public string? Project { get; }

    /// <summary>Where the settings came from: Connect-Sora or the environment.</summary>
    public string Source { get; }

    public int MaxRetries { get; }

    /// <summary>The longest wait for one answer (its headers, and for a JSON call its body too); each retry gets its own.</summary>
    public TimeSpan RequestTimeout { get; }

    /// <summary>For downloads: the longest wait for the next bytes. A slow transfer is fine; a stalled one is not.</summary>
    public TimeSpan ReadIdleTimeout { get; }

    /// <summary>The longest wait for a new connection to open.</summary>
    public TimeSpan ConnectTimeout { get; }

    public bool AllowInsecureHttp { get; }

    /// <summary>
    /// Builds the connection from the variables the official SDKs read (OPENAI_API_KEY, OPENAI_BASE_URL,
    /// OPENAI_ORG_ID, OPENAI_PROJECT_ID). Values set in <paramref name="given"/> win over the environment's.
    /// </summary>
    public static SoraConnection FromEnvironment(Func<string, string?> getVariable, SoraConnectionOptions? given = null)
    {
        if (getVariable is null)
        {
            throw new ArgumentNullException(nameof(getVariable));
        }

        given ??= new SoraConnectionOptions { Source = "Environment" };
        var baseUri = given.BaseUri;
        var baseText = getVariable("OPENAI_BASE_URL");
        var azureText = getVariable("AZURE_OPENAI_ENDPOINT");

        // Azure's variables apply when asked for, or when they are the only server configured.
        var azure = given.Azure || (baseUri is null && string.IsNullOrWhiteSpace(baseText) && !string.IsNullOrWhiteSpace(azureText));
        if (baseUri is null && !string.IsNullOrWhiteSpace(baseText))
        {
            baseUri = InputValidation.ParseBaseUri(baseText!, "the OPENAI_BASE_URL environment variable");
        }
        else if (baseUri is null && azure && !string.IsNullOrWhiteSpace(azureText))
        {
            baseUri = AzureBaseUri(InputValidation.ParseBaseUri(azureText!, "the AZURE_OPENAI_ENDPOINT environment variable"));
        }

        using var environmentKey = given.ApiKey is null && given.AccessToken is null
            ? ToSecureString(getVariable(azure ? "AZURE_OPENAI_API_KEY" : "OPENAI_API_KEY"))
            : null;
        return new SoraConnection(given with
        {
            BaseUri = baseUri,
            ApiKey = given.ApiKey ?? environmentKey,
            ApiKeyHeader = given.ApiKeyHeader ?? (azure ? "api-key" : null),
            Azure = azure,

            // OpenAI's organization and project mean nothing to Azure and are not sent there.
            Organization = azure ? null : given.Organization ?? getVariable("OPENAI_ORG_ID"),
            Project = azure ? null : given.Project ?? getVariable("OPENAI_PROJECT_ID"),
        });
    }

    /// <summary>
    /// The v1 API base of an Azure OpenAI resource: https://&lt;resource&gt;.openai.azure.com becomes
    /// https://&lt;resource&gt;.openai.azure.com/openai/v1/ (a base that already ends so is kept).
    /// </summary>
    public static Uri AzureBaseUri(Uri endpoint)
    {
        if (endpoint is null)
        {
            throw new ArgumentNullException(nameof(endpoint));
        }

        var path = endpoint.AbsolutePath.TrimEnd('/');
        if (path.EndsWith("/openai/v1", StringComparison.OrdinalIgnoreCase))
        {
            return endpoint;
        }

        var root = endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return new Uri(root + (path.EndsWith("/openai", StringComparison.OrdinalIgnoreCase) ? "/v1/" : "/openai/v1/"));
    }

    /// <summary>The key in clear text, for the one header that carries it. Never log or store the result.</summary>
    internal string? RevealApiKey() => Reveal(apiKey);

    /// <summary>The token in clear text, for the one header that carries it.</summary>
    internal string? RevealAccessToken() => Reveal(accessToken);

    private static SecureString? ReadOnlyCopy(SecureString? value)
    {
        if (value is not { Length: > 0 })
        {
            return null;
        }

        var copy = value.Copy();
        copy.MakeReadOnly();
        return copy;
    }

    private static string? Reveal(SecureString? secret)
    {
        if (secret is null)
        {
            return null;
        }

        var pointer = IntPtr.Zero;
        try
        {
            pointer = Marshal.SecureStringToGlobalAllocUnicode(secret);
            return Marshal.PtrToStringUni(pointer);
        }
        finally
        {
            if (pointer != IntPtr.Zero)
            {
                Marshal.ZeroFreeGlobalAllocUnicode(pointer);
            }
        }
    }

    internal static SecureString? ToSecureString(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var secure = new SecureString();
        foreach (var c in value!)
        {
            secure.AppendChar(c);
        }

        secure.MakeReadOnly();
        return secure;
    }

    private bool IsReservedHeader(string name) =>
        name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
        || name.Equals("OpenAI-Organization", StringComparison.OrdinalIgnoreCase)
        || name.Equals("OpenAI-Project", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Host", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase)
        || (ApiKeyHeader is not null && name.Equals(ApiKeyHeader, StringComparison.OrdinalIgnoreCase));

    private static TimeSpan Positive(TimeSpan value, string name) =>
        value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(name, value, "A timeout must be longer than zero.");

    private static Uri NormalizeBaseUri(Uri uri)
    {
        var text = uri.GetLeftPart(UriPartial.Path);
        return text.EndsWith("/", StringComparison.Ordinal) ? new Uri(text) : new Uri(text + "/");
    }
}
