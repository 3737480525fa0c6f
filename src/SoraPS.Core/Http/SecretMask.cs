using System;
using System.Linq;
using System.Net.Http.Headers;
using System.Text;

namespace SoraPS.Core.Http;

/// <summary>Shows headers for -Debug with every credential reduced to a recognisable stub.</summary>
internal static class SecretMask
{
    private static readonly string[] SecretHeaders = ["Authorization", "api-key", "x-api-key", "Proxy-Authorization"];

    public static string Mask(string secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return string.Empty;
        }

        // Enough to tell two keys apart, never enough to use one.
        return secret.Length <= 12 ? "****" : secret.Substring(0, 3) + "****" + secret.Substring(secret.Length - 2);
    }

    public static string DescribeHeaders(HttpHeaders headers)
    {
        var text = new StringBuilder();
        foreach (var header in headers)
        {
            var value = string.Join(", ", header.Value);
            if (SecretHeaders.Any(h => string.Equals(h, header.Key, StringComparison.OrdinalIgnoreCase)))
            {
                var space = value.IndexOf(' ');
                value = space > 0 ? value.Substring(0, space + 1) + Mask(value.Substring(space + 1)) : Mask(value);
            }

            text.Append("  ").Append(header.Key).Append(": ").Append(value).Append('\n');
        }

        return text.ToString().TrimEnd('\n');
    }
}
