using System;
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

    public SoraConnection(
        Uri? baseUri = null,
        SecureString? apiKey = null,
        string? organization = null,
        string? project = null,
        string source = "Connect-Sora",
        int maxRetries = DefaultMaxRetries,
        TimeSpan? requestTimeout = null,
        TimeSpan? readIdleTimeout = null)
    {
        BaseUri = NormalizeBaseUri(baseUri ?? DefaultBaseUri);
        if (apiKey is not null && apiKey.Length > 0)
        {
            this.apiKey = apiKey.Copy();
            this.apiKey.MakeReadOnly();
        }

        Organization = string.IsNullOrWhiteSpace(organization) ? null : organization!.Trim();
        Project = string.IsNullOrWhiteSpace(project) ? null : project!.Trim();
        Source = source;
        if (maxRetries < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxRetries), maxRetries, "The retry count cannot be negative.");
        }

        MaxRetries = maxRetries;
        RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(120);
        ReadIdleTimeout = readIdleTimeout ?? TimeSpan.FromSeconds(60);
    }

    /// <summary>The API base, always ending in a slash so that relative paths append to it.</summary>
    public Uri BaseUri { get; }

    public bool HasApiKey => apiKey is not null;

    public string? Organization { get; }

    public string? Project { get; }

    /// <summary>Where the settings came from: Connect-Sora or the environment.</summary>
    public string Source { get; }

    public int MaxRetries { get; }

    /// <summary>Total time allowed for one JSON call, retries excluded.</summary>
    public TimeSpan RequestTimeout { get; }

    /// <summary>For downloads: the longest wait for the next bytes. A slow transfer is fine; a stalled one is not.</summary>
    public TimeSpan ReadIdleTimeout { get; }

    /// <summary>
    /// Builds the connection from the variables the official SDKs read (OPENAI_API_KEY, OPENAI_BASE_URL,
    /// OPENAI_ORG_ID, OPENAI_PROJECT_ID). Values given explicitly win over the environment's.
    /// </summary>
    public static SoraConnection FromEnvironment(
        Func<string, string?> getVariable,
        Uri? baseUri = null,
        SecureString? apiKey = null,
        string? organization = null,
        string? project = null,
        string source = "Environment",
        int maxRetries = DefaultMaxRetries,
        TimeSpan? requestTimeout = null,
        TimeSpan? readIdleTimeout = null)
    {
        if (getVariable is null)
        {
            throw new ArgumentNullException(nameof(getVariable));
        }

        var baseText = getVariable("OPENAI_BASE_URL");
        if (baseUri is null && !string.IsNullOrWhiteSpace(baseText))
        {
            baseUri = InputValidation.ParseBaseUri(baseText!, "the OPENAI_BASE_URL environment variable");
        }

        using var environmentKey = apiKey is null ? ToSecureString(getVariable("OPENAI_API_KEY")) : null;
        return new SoraConnection(
            baseUri,
            apiKey ?? environmentKey,
            organization ?? getVariable("OPENAI_ORG_ID"),
            project ?? getVariable("OPENAI_PROJECT_ID"),
            source,
            maxRetries,
            requestTimeout,
            readIdleTimeout);
    }

    /// <summary>A copy of this connection with other retry and timeout settings.</summary>
    public SoraConnection With(int? maxRetries = null, TimeSpan? requestTimeout = null, TimeSpan? readIdleTimeout = null) =>
        new(BaseUri, apiKey, Organization, Project, Source,
            maxRetries ?? MaxRetries, requestTimeout ?? RequestTimeout, readIdleTimeout ?? ReadIdleTimeout);

    /// <summary>The key in clear text, for the one header that carries it. Never log or store the result.</summary>
    internal string? RevealApiKey()
    {
        if (apiKey is null)
        {
            return null;
        }

        var pointer = IntPtr.Zero;
        try
        {
            pointer = Marshal.SecureStringToGlobalAllocUnicode(apiKey);
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

    private static Uri NormalizeBaseUri(Uri uri)
    {
        var text = uri.GetLeftPart(UriPartial.Path);
        return text.EndsWith("/", StringComparison.Ordinal) ? new Uri(text) : new Uri(text + "/");
    }
}
