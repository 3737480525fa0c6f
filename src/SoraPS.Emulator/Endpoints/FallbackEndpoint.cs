using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SoraPS.Emulator.Http;

namespace SoraPS.Emulator.Endpoints;

/// <summary>Any other route or method: the 404 envelope the real service sends.</summary>
internal static class FallbackEndpoint
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapFallback("{*path}", (HttpContext context) =>
            ApiResults.Error(
                StatusCodes.Status404NotFound,
                $"Invalid URL ({context.Request.Method} {context.Request.Path}).",
                "invalid_request_error",
                null,
                "unknown_url"));
}
