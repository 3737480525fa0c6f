using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace SoraPS.Emulator.Http;

/// <summary>
/// The operations of the API. Each endpoint carries its own, so that the pipeline can ask the
/// profile whether the operation is served and how its errors look.
/// </summary>
internal enum ApiOperation
{
    Create,
    List,
    Retrieve,
    Delete,
    Content,
    Remix,
    Edit,
    Extend,
    CreateCharacter,
    GetCharacter,
}

internal static class ApiOperations
{
    /// <summary>Tags an endpoint with its operation.</summary>
    public static TBuilder Is<TBuilder>(this TBuilder endpoint, ApiOperation operation)
        where TBuilder : IEndpointConventionBuilder => endpoint.WithMetadata(new Tag(operation));

    /// <summary>The operation of the endpoint routing chose; null for the fallback and the control routes.</summary>
    public static ApiOperation? Of(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<Tag>()?.Operation;

    private sealed record Tag(ApiOperation Operation);
}
