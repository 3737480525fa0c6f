using System;

namespace SoraPS.Emulator.Http;

/// <summary>
/// An error answer thrown from deep inside a handler (validation, lookups); the pipeline turns it
/// into the error envelope, so handlers read as the happy path.
/// </summary>
internal sealed class ApiErrorException : Exception
{
    public ApiErrorException(int status, string message, string? param, string? code, string? type = "invalid_request_error")
        : base(message)
    {
        Status = status;
        Param = param;
        Code = code;
        Type = type;
    }

    public int Status { get; }

    public string? Param { get; }

    public string? Code { get; }

    public string? Type { get; }

    public static ApiErrorException BadRequest(string message, string? param, string? code) => new(400, message, param, code);

    /// <summary>The error a server would plausibly send with <paramref name="status"/> (for faults and unhandled exceptions).</summary>
    public static ApiErrorException ForStatus(int status) => status switch
    {
        401 => new(status, "Incorrect API key provided.", null, "invalid_api_key"),
        404 => new(status, "Not found.", null, null),
        429 => new(status, "Rate limit reached for requests.", null, "rate_limit_exceeded", "requests"),
        >= 500 => new(status, "The server had an error while processing your request. Sorry about that!", null, null, "server_error"),
        _ => new(status, $"The request failed with status {status}.", null, null),
    };

    public static ApiErrorException VideoNotFound(string id) =>
        new(404, $"Video with id '{id}' not found.", null, "video_not_found");
}
