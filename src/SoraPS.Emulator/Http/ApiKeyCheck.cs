using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace SoraPS.Emulator.Http;

/// <summary>
/// The access check: the key as "Authorization: Bearer &lt;key&gt;" or raw in another header (Azure's
/// api-key), and any headers a gateway requires. A server may take the key from a header of its
/// own too (<paramref name="ownKeyHeader"/>, LiteLLM's x-litellm-api-key), raw or as Bearer, when
/// the usual header is absent.
/// </summary>
internal sealed class ApiKeyCheck(string? apiKey, string headerName, IReadOnlyDictionary<string, string>? requiredHeaders = null, string? ownKeyHeader = null)
{
    private readonly bool _bearer = string.Equals(headerName, "Authorization", StringComparison.OrdinalIgnoreCase);

    /// <summary>Null when the request may pass; otherwise the 401 error. Messages never repeat what was sent.</summary>
    public ApiErrorException? Check(HttpRequest request)
    {
        foreach (var (name, value) in requiredHeaders ?? new Dictionary<string, string>())
        {
            if (!string.Equals(request.Headers[name], value, StringComparison.Ordinal))
            {
                return new ApiErrorException(401, $"This gateway requires the {name} header.", null, "missing_required_header");
            }
        }

        if (apiKey is null)
        {
            return null;
        }

        string? presented = request.Headers[headerName];
        if (_bearer && presented is not null)
        {
            presented = presented.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? presented["Bearer ".Length..].Trim() : null;
        }

        if (presented is null && ownKeyHeader is not null && request.Headers[ownKeyHeader].ToString() is { Length: > 0 } own)
        {
            presented = own.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? own["Bearer ".Length..].Trim() : own.Trim();
        }

        if (string.IsNullOrEmpty(presented))
        {
            var how = _bearer
                ? "in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)"
                : $"in the {headerName} header";
            return new ApiErrorException(401, $"You didn't provide an API key. You need to provide your API key {how}.", null, "invalid_api_key");
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(apiKey))
            ? null
            : new ApiErrorException(401, "Incorrect API key provided.", null, "invalid_api_key");
    }
}
