using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using SoraPS.Emulator.Faults;
using SoraPS.Emulator.Profiles;

namespace SoraPS.Emulator.Http;

/// <summary>
/// What happens to every request before its handler: a request id; then, for the API routes, the
/// body is read and recorded, a fault may take over, the key is checked, and the profile may
/// refuse the operation. Errors thrown by handlers become the profile's error answer. The
/// /_emulator control routes skip recording, faults and the key check.
/// </summary>
internal sealed class ApiPipeline(RequestLog log, FaultSwitch faults, ApiKeyCheck keyCheck, ServerProfile profile)
{
    public const string ControlPrefix = "/_emulator";

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var (header, requestId) = profile.NewRequestId();
        context.Response.Headers[header] = requestId;
        try
        {
            if (context.Request.Path.StartsWithSegments(ControlPrefix, StringComparison.OrdinalIgnoreCase))
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            await InvokeApiAsync(context, next).ConfigureAwait(false);
        }
        catch (FaultInjectedException)
        {
            // The fault already did what it was armed for.
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (ApiErrorException error) when (!context.Response.HasStarted)
        {
            await profile.Error(ApiOperations.Of(context), error).ExecuteAsync(context).ConfigureAwait(false);
        }
        catch (Exception) when (!context.Response.HasStarted)
        {
            var error = ApiErrorException.ForStatus(StatusCodes.Status500InternalServerError);
            await profile.Error(ApiOperations.Of(context), error).ExecuteAsync(context).ConfigureAwait(false);
        }
    }

    private async Task InvokeApiAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var body = await BodyReader.ReadAsync(request, context.RequestAborted).ConfigureAwait(false);
        body.AttachTo(context);
        log.Add(new RecordedRequest(
            request.Method,
            request.Path.Value ?? "/",
            request.QueryString.HasValue ? request.QueryString.Value![1..] : string.Empty,
            CopyHeaders(request.Headers),
            body.Parts,
            body.Json));

        var fault = faults.TryTake(request.Method, request.Path.Value ?? "/", hasRange: request.Headers.Range.Count > 0);
        RangeCorruptor? corruptor = null;
        switch (fault?.Kind)
        {
            case FaultKind.Respond:
                await FaultAnswer(fault).ExecuteAsync(context).ConfigureAwait(false);
                return;
            case FaultKind.ResetBeforeHeaders:
                context.Abort();
                return;
            case FaultKind.Truncate:
                // Close the connection after the short body, so that the client sees it end
                // cleanly rather than wait for the rest of the promised Content-Length.
                context.Response.Headers.Connection = "close";
                context.Response.Body = new FaultingResponseStream(context.Response.Body, fault, context);
                break;
            case FaultKind.ResetMidBody or FaultKind.Stall:
                context.Response.Body = new FaultingResponseStream(context.Response.Body, fault, context);
                break;
            case FaultKind.StallBeforeHeaders:
                try
                {
                    await Task.Delay(fault.StallFor, context.RequestAborted).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return; // the client gave up waiting
                }

                break;
            case FaultKind.CorruptRange:
                corruptor = RangeCorruptor.Arm(context, fault, faults);
                break;
        }

        if (keyCheck.Check(request) is { } denied)
        {
            throw denied;
        }

        if (ApiOperations.Of(context) is { } operation && profile.Refusal(operation) is { } refused)
        {
            throw refused;
        }

        await next(context).ConfigureAwait(false);
        if (corruptor is not null)
        {
            await corruptor.CompleteAsync().ConfigureAwait(false);
        }
    }

    // The standard envelope is the profile's, but outside any operation: a fault stands for what
    // the client receives, not for an error the provider sent the server.
    private IResult FaultAnswer(Fault fault) =>
        fault.Body is null && fault.Status >= 400
            ? profile.Error(null, ApiErrorException.ForStatus(fault.Status), fault.Headers)
            : ApiResults.Raw(fault.Body, fault.ContentType, fault.Status, fault.Headers);

    private static Dictionary<string, string> CopyHeaders(IHeaderDictionary headers)
    {
        var copy = new Dictionary<string, string>(headers.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in headers)
        {
            copy[name] = string.Join(", ", values.ToArray());
        }

        return copy;
    }
}
