using System;
using System.Linq;
using System.Net.Http.Headers;
using System.Text;

namespace SoraPS.Core.Http;

/// <summary>Shows headers for -Debug with every credential reduced to a recognisable stub.</summary>
internal static class SecretMask
{
    /// <summary>Any header whose name says it may hold a secret: the key's own header, a gateway's tokens.</summary>
    private static readonly string[] SecretNameParts = ["auth", "key", "token", "secret", "password", "signature", "cookie"];

    public static string Mask(string secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return string.Empty;
        }

        // Enough to tell two keys apart, never enough to use one.
        return secret.Length <= 12 ? "****" : secret.Substring(0, 3) + "****" + secret.Substring(secret.Length - 2);
    }

    /// <param name="keyHeader">The header configured to carry the key, masked whatever its name.</param>
    public static string DescribeHeaders(HttpHeaders headers, string? keyHeader = null)
    {
        var text = new StringBuilder();
        foreach (var header in headers)
        {
            var value = string.Join(", ", header.Value);
            if (string.Equals(header.Key, keyHeader, StringComparison.OrdinalIgnoreCase)
                || SecretNameParts.Any(part => header.Key.IndexOf(part, StringComparison.OrdinalIgnoreCase) >= 0))
            {
                var space = value.IndexOf(' ');
                value = space > 0 ? value.Substring(0, space + 1) + Mask(value.Substring(space + 1)) : Mask(value);
            }

            text.Append("  ").Append(header.Key).Append(": ").Append(value).Append('\n');
        }

        return text.ToString().TrimEnd('\n');
    }
}
