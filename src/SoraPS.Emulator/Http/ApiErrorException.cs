using System;

namespace SoraPS.Emulator.Http;

/// <summary>
/// An error answer thrown from deep inside a handler (validation, lookups); the pipeline turns it
/// into the error envelope, so handlers read as the happy path.
/// </summary>
internal sealed class ApiErrorException : Exception
{
    public ApiErrorException(int status, string message, string? param, string? code, string type = "invalid_request_error")
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

    public string Type { get; }

    public static ApiErrorException BadRequest(string message, string? param, string? code) => new(400, message, param, code);

    public static ApiErrorException VideoNotFound(string id) =>
        new(404, $"Video with id '{id}' not found.", null, "video_not_found");
}
