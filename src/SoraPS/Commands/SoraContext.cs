using System;

namespace SoraPS;

/// <summary>The connection in effect, as Get-SoraContext shows it. It never holds the key.</summary>
public sealed class SoraContext
{
    internal SoraContext(SoraConnection connection)
    {
        BaseUri = connection.BaseUri;
        HasApiKey = connection.HasApiKey;
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
