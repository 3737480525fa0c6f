using System;
using System.Collections.Generic;
using System.Security;

namespace SoraPS;

/// <summary>What a <see cref="SoraConnection"/> is made from. Unset values take the defaults shown.</summary>
/// <remarks>A record, so that a copy with a few values changed is one <c>with</c> expression.</remarks>
public sealed record SoraConnectionOptions
{
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(120);
    public static readonly TimeSpan DefaultReadIdleTimeout = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Any server of the Videos API shape. Default: <see cref="SoraConnection.DefaultBaseUri"/>.</summary>
    public Uri? BaseUri { get; init; }

    public SecureString? ApiKey { get; init; }

    /// <summary>
    /// The header that carries <see cref="ApiKey"/>: null for "Authorization: Bearer &lt;key&gt;"; any other
    /// name (Azure's "api-key", a gateway's "x-api-key") carries the raw key.
    /// </summary>
    public string? ApiKeyHeader { get; init; }

    /// <summary>A bearer token (an Entra ID token for Azure OpenAI), sent as "Authorization: Bearer".</summary>
    public SecureString? AccessToken { get; init; }

    /// <summary>True for Azure OpenAI: the key goes in "api-key" and AZURE_OPENAI_* variables apply.</summary>
    public bool Azure { get; init; }

    /// <summary>Extra headers for every request to the configured server (a gateway's routing or tenant headers).</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    public string? Organization { get; init; }

    public string? Project { get; init; }

    /// <summary>Where the settings came from, shown by Get-SoraContext.</summary>
    public string Source { get; init; } = "Connect-Sora";

    public int MaxRetries { get; init; } = SoraConnection.DefaultMaxRetries;

    /// <summary>The longest wait for one answer (its headers, and for a JSON call its body too); each retry gets its own.</summary>
    public TimeSpan RequestTimeout { get; init; } = DefaultRequestTimeout;

    /// <summary>For downloads: the longest wait for the next bytes.</summary>
    public TimeSpan ReadIdleTimeout { get; init; } = DefaultReadIdleTimeout;

    /// <summary>The longest wait for a new connection to open.</summary>
    public TimeSpan ConnectTimeout { get; init; } = DefaultConnectTimeout;

    /// <summary>Send the key over plain http to a host that is not this machine. Off by default.</summary>
    public bool AllowInsecureHttp { get; init; }
}
