using System;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace SoraPS.Emulator.Faults;

/// <summary>
/// Applies a <see cref="FaultKind.CorruptRange"/> fault to one request. Whether the answer is a 206
/// is known only once the handler has set its status, so the decision is taken as the response
/// starts; an answer of any other status passes untouched and the fault's use is given back.
/// </summary>
internal sealed class RangeCorruptor
{
    /// <summary>How far WrongStart moves the start of the range.</summary>
    public const long StartShift = 100;

    /// <summary>How much WrongTotal adds to the asset's real length.</summary>
    public const long TotalExcess = 1000;

    private readonly Fault _fault;
    private readonly FaultSwitch _faults;
    private readonly Func<Task>? _completeReencoding;

    private RangeCorruptor(HttpContext context, Fault fault, FaultSwitch faults)
    {
        _fault = fault;
        _faults = faults;
        var response = context.Response;
        switch (fault.RangeCorruption)
        {
            case RangeCorruption.WrongStart:
                // The handler then serves the moved range and labels it truthfully.
                MoveRequestedStart(context.Request);
                break;
            case RangeCorruption.Reencode:
                // The response owns the wrapper, as it owns the body it wraps.
                var reencoder = new ReencodingResponseStream(response.Body, () => Applies(response));
                response.RegisterForDisposeAsync(reencoder);
                response.Body = reencoder;
                _completeReencoding = reencoder.CompleteAsync;
                break;
        }

        response.OnStarting(() =>
        {
            OnStarting(response);
            return Task.CompletedTask;
        });
    }

    public static RangeCorruptor Arm(HttpContext context, Fault fault, FaultSwitch faults) => new(context, fault, faults);

    /// <summary>Sends what the re-encoder still holds; call once the handler has written its answer.</summary>
    public Task CompleteAsync() => _completeReencoding?.Invoke() ?? Task.CompletedTask;

    private static bool Applies(HttpResponse response) => response.StatusCode == StatusCodes.Status206PartialContent;

    private static void MoveRequestedStart(HttpRequest request)
    {
        if (!RangeHeaderValue.TryParse(request.Headers.Range.ToString(), out var range)
            || !string.Equals(range.Unit.Value, "bytes", StringComparison.OrdinalIgnoreCase)
            || range.Ranges.Count != 1)
        {
            return; // not a single byte range: nothing to move, the answer will not be a 206
        }

        var asked = System.Linq.Enumerable.Single(range.Ranges);
        RangeItemHeaderValue moved;
        if (asked.From is { } from)
        {
            var shift = from > 0 ? Math.Min(from, StartShift) : -StartShift;
            moved = new RangeItemHeaderValue(from - shift, asked.To - shift);
        }
        else
        {
            // A suffix range (the last N bytes): ask for more, so it starts earlier.
            moved = new RangeItemHeaderValue(null, asked.To + StartShift);
        }

        request.Headers.Range = new RangeHeaderValue { Ranges = { moved } }.ToString();
    }

    private void OnStarting(HttpResponse response)
    {
        if (!Applies(response))
        {
            _faults.Refund(_fault);
            return;
        }

        switch (_fault.RangeCorruption)
        {
            case RangeCorruption.Reencode:
                // Chunked: the re-encoded body has a length nobody announced.
                response.ContentLength = null;
                break;
            case RangeCorruption.WrongTotal:
                if (ContentRangeHeaderValue.TryParse(response.Headers.ContentRange.ToString(), out var real) && real.Length is { } length)
                {
                    response.Headers.ContentRange = new ContentRangeHeaderValue(real.From!.Value, real.To!.Value, length + TotalExcess).ToString();
                }

                break;
        }
    }
}
