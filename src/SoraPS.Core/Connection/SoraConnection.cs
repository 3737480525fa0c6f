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

    public SoraConnection(SoraConnectionOptions? options = null)
    {
        options ??= new SoraConnectionOptions();
        BaseUri = NormalizeBaseUri(options.BaseUri ?? DefaultBaseUri);
        if (options.ApiKey is { Length: > 0 } key)
        {
            apiKey = key.Copy();
            apiKey.MakeReadOnly();
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
        if (apiKey is not null && BaseUri.Scheme == Uri.UriSchemeHttp && !BaseUri.IsLoopback && !AllowInsecureHttp)
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
        if (baseUri is null && !string.IsNullOrWhiteSpace(baseText))
        {
            baseUri = InputValidation.ParseBaseUri(baseText!, "the OPENAI_BASE_URL environment variable");
        }

        using var environmentKey = given.ApiKey is null ? ToSecureString(getVariable("OPENAI_API_KEY")) : null;
        return new SoraConnection(new SoraConnectionOptions
        {
            BaseUri = baseUri,
            ApiKey = given.ApiKey ?? environmentKey,
            Organization = given.Organization ?? getVariable("OPENAI_ORG_ID"),
            Project = given.Project ?? getVariable("OPENAI_PROJECT_ID"),
            Source = given.Source,
            MaxRetries = given.MaxRetries,
            RequestTimeout = given.RequestTimeout,
            ReadIdleTimeout = given.ReadIdleTimeout,
            ConnectTimeout = given.ConnectTimeout,
            AllowInsecureHttp = given.AllowInsecureHttp,
        });
    }

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

    private static TimeSpan Positive(TimeSpan value, string name) =>
        value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(name, value, "A timeout must be longer than zero.");

    private static Uri NormalizeBaseUri(Uri uri)
    {
        var text = uri.GetLeftPart(UriPartial.Path);
        return text.EndsWith("/", StringComparison.Ordinal) ? new Uri(text) : new Uri(text + "/");
    }
}
