using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using SoraPS.Emulator.Json;

namespace SoraPS.Emulator.Http;

/// <summary>
/// JSON answers. Bodies are serialized up front so that every answer has a Content-Length: a
/// Truncate or ResetMidBody fault then really leaves the client short of what it was promised.
/// </summary>
internal static class ApiResults
{
    public const string PollAfterHeader = "openai-poll-after-ms";

    public static IResult Json<T>(T value, JsonTypeInfo<T> typeInfo, int status = StatusCodes.Status200OK, IReadOnlyDictionary<string, string>? headers = null) =>
        new BytesResult(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo), "application/json", status, headers);

    public static IResult Error(int status, string message, string? type, string? param, string? code, IReadOnlyDictionary<string, string>? headers = null) =>
        Json(new ErrorResponse(new ErrorBody(message, type, param, code)), ApiJsonContext.Default.ErrorResponse, status, headers);

    public static IResult Error(ApiErrorException error, IReadOnlyDictionary<string, string>? headers = null) =>
        Error(error.Status, error.Message, error.Type, error.Param, error.Code, headers);

    public static IResult Raw(string? body, string contentType, int status, IReadOnlyDictionary<string, string>? headers) =>
        new BytesResult(body is null ? [] : System.Text.Encoding.UTF8.GetBytes(body), body is null ? null : contentType, status, headers);

    /// <summary><paramref name="result"/> with <paramref name="headers"/> added.</summary>
    public static IResult WithHeaders(IResult result, IReadOnlyDictionary<string, string> headers) => new HeadersResult(result, headers);

    private sealed class HeadersResult(IResult inner, IReadOnlyDictionary<string, string> headers) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            foreach (var (name, value) in headers)
            {
                httpContext.Response.Headers[name] = value;
            }

            return inner.ExecuteAsync(httpContext);
        }
    }

    private sealed class BytesResult(byte[] body, string? contentType, int status, IReadOnlyDictionary<string, string>? headers) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            if (headers is not null)
            {
                foreach (var (name, value) in headers)
                {
                    response.Headers[name] = value;
                }
            }

            if (contentType is not null)
            {
                response.ContentType = contentType;
            }

            response.ContentLength = body.Length;
            return body.Length == 0 ? Task.CompletedTask : response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
        }
    }
}
