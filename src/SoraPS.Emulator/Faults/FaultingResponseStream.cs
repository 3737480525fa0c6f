using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace SoraPS.Emulator.Faults;

/// <summary>
/// Wraps the response body: passes the first <see cref="Fault.AfterBytes"/> bytes of the real
/// response through, then truncates, resets or stalls as the fault says.
/// </summary>
internal sealed class FaultingResponseStream(Stream inner, Fault fault, HttpContext context) : ResponseBodyWrapper(inner)
{
    private static readonly TimeSpan ResetGrace = TimeSpan.FromMilliseconds(200);

    private long _written;
    private bool _stalled;

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var allowed = _stalled ? buffer.Length : (int)Math.Clamp(fault.AfterBytes - _written, 0, buffer.Length);
        if (allowed > 0)
        {
            await Inner.WriteAsync(buffer[..allowed], cancellationToken).ConfigureAwait(false);
            _written += allowed;
        }

        if (allowed == buffer.Length)
        {
            return;
        }

        // The limit is reached: make sure the client has the headers and the bytes so far.
        await Inner.FlushAsync(cancellationToken).ConfigureAwait(false);
        switch (fault.Kind)
        {
            case FaultKind.Stall:
                try
                {
                    await Task.Delay(fault.StallFor, context.RequestAborted).ConfigureAwait(false);
                }
                catch (OperationCanceledException ex)
                {
                    throw new FaultInjectedException("The client went away during a stall.", ex);
                }

                _stalled = true;
                await Inner.WriteAsync(buffer[allowed..], cancellationToken).ConfigureAwait(false);
                _written += buffer.Length - allowed;
                return;
            case FaultKind.ResetMidBody:
                // A reset discards what the client has received but not yet read, headers
                // included; a moment's grace lets the bytes promised by AfterBytes arrive.
                await Task.Delay(ResetGrace, CancellationToken.None).ConfigureAwait(false);
                context.Abort();
                throw new FaultInjectedException();
            default:
                throw new FaultInjectedException();
        }
    }
}
