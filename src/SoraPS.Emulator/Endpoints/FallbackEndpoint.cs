using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.DependencyInjection;
using SoraPS.Emulator.Profiles;

namespace SoraPS.Emulator.Endpoints;

/// <summary>Any other route or method: the profile's answer for a route the server does not have.</summary>
internal static class FallbackEndpoint
{
    public static void Map(IEndpointRouteBuilder app, ServerProfile profile) =>
        app.MapFallback("{*path}", (HttpContext context) => profile.UnknownRoute(context.Request, MethodsForPath(context)));

    /// <summary>The methods of the routes whose template matches the request's path (a 405 rather than a 404, where a server says so).</summary>
    private static SortedSet<string> MethodsForPath(HttpContext context)
    {
        var methods = new SortedSet<string>(StringComparer.Ordinal);
        var endpoints = context.RequestServices.GetRequiredService<EndpointDataSource>().Endpoints;
        foreach (var endpoint in endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>() is not { } verbs)
            {
                continue; // the fallback itself
            }

            var matcher = new TemplateMatcher(new RouteTemplate(endpoint.RoutePattern), []);
            if (matcher.TryMatch(context.Request.Path, []))
            {
                methods.UnionWith(verbs.HttpMethods);
            }
        }

        return methods;
    }
}
