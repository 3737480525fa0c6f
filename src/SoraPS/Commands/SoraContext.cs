using System;
using System.Collections.Generic;
using System.Linq;

namespace SoraPS;

/// <summary>The connection in effect, as Get-SoraContext shows it. It never holds the key.</summary>
public sealed class SoraContext
{
    internal SoraContext(SoraConnection connection)
    {
        BaseUri = connection.BaseUri;
        HasApiKey = connection.HasApiKey;
        HasAccessToken = connection.HasAccessToken;
        AccessTokenExpiresAt = connection.AccessTokenExpiresAt;
        Authentication = connection switch
        {
            { HasAccessToken: true } => "Bearer token",
            { HasApiKey: true, ApiKeyHeader: { } header } => header + " header",
            { HasApiKey: true } => "Bearer key",
            _ => "None",
        };
        Azure = connection.Azure;
        HeaderNames = connection.Headers.Keys.OrderBy(k => k, StringComparer.OrdinalIgnoreCase).ToArray();
        Organization = connection.Organization;
        Project = connection.Project;
        Source = connection.Source;
        MaxRetries = connection.MaxRetries;
        RequestTimeoutSec = (int)connection.RequestTimeout.TotalSeconds;
        ReadIdleTimeoutSec = (int)connection.ReadIdleTimeout.TotalSeconds;
        ConnectTimeoutSec = (int)connection.ConnectTimeout.TotalSeconds;
        AllowInsecureHttp = connection.AllowInsecureHttp;
    }

    public Uri BaseUri { get; }

    public bool HasApiKey { get; }

    public bool HasAccessToken { get; }

    /// <summary>When the access token expires, if it says so.</summary>
    public DateTimeOffset? AccessTokenExpiresAt { get; }

    /// <summary>How requests prove who sends them: "Bearer key", "api-key header", "Bearer token" or "None".</summary>
    public string Authentication { get; }

    public bool Azure { get; }

    /// <summary>Names of the extra headers; their values are never shown, as they may be secrets.</summary>
    public IReadOnlyList<string> HeaderNames { get; }

    public string? Organization { get; }

    public string? Project { get; }

    /// <summary>Connect-Sora, or Environment when no Connect-Sora ran in this session.</summary>
    public string Source { get; }

    public int MaxRetries { get; }

    public int RequestTimeoutSec { get; }

    public int ReadIdleTimeoutSec { get; }

    public int ConnectTimeoutSec { get; }

    public bool AllowInsecureHttp { get; }
}
