using System;

namespace SoraPS.Core.Http;

/// <summary>Which redirects are followed, and which keep the credentials.</summary>
internal static class RedirectPolicy
{
    /// <summary>Never from https down to anything else: that would expose the request.</summary>
    public static bool MayFollow(Uri from, Uri to) =>
        from.Scheme != Uri.UriSchemeHttps || to.Scheme == Uri.UriSchemeHttps;

    /// <summary>
    /// Credentials belong to the configured server's origin (scheme, host and port). A redirect
    /// elsewhere, such as a CDN or a storage account, is followed without them.
    /// </summary>
    public static bool KeepsCredentials(Uri to, Uri baseUri) =>
        Uri.Compare(to, baseUri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
}
