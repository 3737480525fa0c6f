using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SoraPS.Emulator.Http;
using SoraPS.Emulator.Json;

namespace SoraPS.Emulator.Endpoints;

/// <summary>
/// The /_emulator routes: the in-process switches over HTTP, for tests that run the emulator in
/// another process (Pester). Never faulted, recorded or key-checked.
/// </summary>
internal static class ControlEndpoints
{
    public static void Map(IEndpointRouteBuilder app, EmulatorServer server)
    {
        var control = app.MapGroup(ApiPipeline.ControlPrefix);
        control.MapPost("/faults", async (HttpContext context) =>
        {
            server.Faults.Add(ToFault(await ReadAsync(context, ControlJsonContext.Default.FaultRequest).ConfigureAwait(false)));
            return Results.NoContent();
        });
        control.MapDelete("/faults", () =>
        {
            server.Faults.Clear();
            return Results.NoContent();
        });
        control.MapGet("/requests", () => ApiResults.Json(server.Requests, ControlJsonContext.Default.IReadOnlyListRecordedRequest));
        control.MapDelete("/requests", () =>
        {
            server.ClearRequests();
            return Results.NoContent();
        });
        control.MapPost("/seed", async (HttpContext context) =>
        {
            var seed = await ReadAsync(context, ControlJsonContext.Default.SeedRequest).ConfigureAwait(false);
            if (seed.Count < 0)
            {
                throw ApiErrorException.BadRequest("'count' must not be negative.", "count", "invalid_value");
            }

            server.SeedCompletedJobs(seed.Count);
            return Stats(server);
        });
        control.MapGet("/stats", () => Stats(server));
    }

    private static IResult Stats(EmulatorServer server) =>
        ApiResults.Json(server.Stats, ControlJsonContext.Default.EmulatorStats);

    private static async Task<T> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(context.Request.Body, typeInfo, context.RequestAborted).ConfigureAwait(false)
                ?? throw ApiErrorException.BadRequest("The body must be a JSON object.", null, null);
        }
        catch (JsonException ex)
        {
            throw ApiErrorException.BadRequest("The body is not valid JSON for this route: " + ex.Message, null, null);
        }
    }

    private static Fault ToFault(FaultRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Method) || string.IsNullOrWhiteSpace(request.PathPattern))
        {
            throw ApiErrorException.BadRequest("A fault needs 'method' and 'pathPattern'.", null, null);
        }

        if (request.Count is < 1 || request.AfterBytes is < 0)
        {
            throw ApiErrorException.BadRequest("'count' must be at least 1 and 'afterBytes' must not be negative.", null, null);
        }

        var defaults = new Fault(request.Method, request.PathPattern);
        return defaults with
        {
            Count = request.Count ?? defaults.Count,
            Kind = request.Kind ?? defaults.Kind,
            Status = request.Status ?? defaults.Status,
            Headers = request.Headers is null ? null : new Dictionary<string, string>(request.Headers, StringComparer.OrdinalIgnoreCase),
            Body = request.Body,
            ContentType = request.ContentType ?? defaults.ContentType,
            AfterBytes = request.AfterBytes ?? defaults.AfterBytes,
            StallFor = request.StallForMs is { } ms ? TimeSpan.FromMilliseconds(ms) : request.StallFor ?? defaults.StallFor,
            RangeCorruption = request.RangeCorruption ?? defaults.RangeCorruption,
        };
    }
}
