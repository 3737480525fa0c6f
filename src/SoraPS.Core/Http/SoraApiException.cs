using System;
using System.Net;
using System.Text;

namespace SoraPS;

/// <summary>
/// Every failure the server reports, or an answer the client cannot read, as one exception type:
/// HTTP status, the API's error fields and the request id that support staff ask for.
/// </summary>
public sealed class SoraApiException : Exception
{
    /// <summary>The <c>type</c> used when the server's answer could not be understood.</summary>
    public const string InvalidResponseType = "invalid_response";

    /// <summary>The <c>type</c> used when the server does not offer the operation at all (a gateway without a delete or list route).</summary>
    public const string NotSupportedType = "not_supported";

    /// <summary>The <c>code</c> that goes with <see cref="NotSupportedType"/>.</summary>
    public const string NotSupportedCode = "operation_not_supported";

    public SoraApiException()
    {
    }

    public SoraApiException(string message)
        : base(message)
    {
    }

    public SoraApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal SoraApiException(
        HttpStatusCode? statusCode,
        string? apiMessage,
        string? errorType,
        string? errorCode,
        string? param,
        string? requestId,
        string method,
        string path,
        Exception? innerException = null)
        : base(Compose(statusCode, apiMessage, errorCode, param, requestId, method, path), innerException)
    {
        StatusCode = statusCode;
        ApiMessage = apiMessage;
        ErrorType = errorType;
        ErrorCode = errorCode;
        Param = param;
        RequestId = requestId;
        Method = method;
        Path = path;
    }

    /// <summary>The HTTP status, or null when no answer arrived.</summary>
    public HttpStatusCode? StatusCode { get; }

    public string? ApiMessage { get; }

    public string? ErrorType { get; }

    public string? ErrorCode { get; }

    public string? Param { get; }

    public string? RequestId { get; }

    public string? Method { get; }

    /// <summary>The request path relative to the base, never with credentials.</summary>
    public string? Path { get; }

    /// <summary>How long the server asked to wait before asking again (retry-after-ms or retry-after), when it said.</summary>
    public TimeSpan? RetryAfter { get; internal init; }

    /// <summary>True when the server lacks the operation itself: asking again, or elsewhere on it, will not help.</summary>
    public bool IsNotSupported => string.Equals(ErrorCode, NotSupportedCode, StringComparison.Ordinal);

    private static string Compose(
        HttpStatusCode? statusCode, string? apiMessage, string? errorCode, string? param, string? requestId, string method, string path)
    {
        var text = new StringBuilder();
        text.Append(method).Append(' ').Append(path);
        if (statusCode is { } status)
        {
            text.Append(" failed with ").Append((int)status).Append(' ').Append(status);
        }
        else
        {
            text.Append(" failed");
        }

        text.Append(": ").Append(string.IsNullOrWhiteSpace(apiMessage) ? "the server gave no reason." : apiMessage!.Trim());
        var details = new StringBuilder();
        if (!string.IsNullOrEmpty(errorCode))
        {
            details.Append("code ").Append(errorCode);
        }

        if (!string.IsNullOrEmpty(param))
        {
            details.Append(details.Length > 0 ? ", " : string.Empty).Append("param ").Append(param);
        }

        if (!string.IsNullOrEmpty(requestId))
        {
            details.Append(details.Length > 0 ? ", " : string.Empty).Append("request id ").Append(requestId);
        }

        if (details.Length > 0)
        {
            text.Append(" (").Append(details).Append(')');
        }

        return text.ToString();
    }
}
