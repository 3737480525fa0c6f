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
internal sealed class FaultingResponseStream(Stream inner, Fault fault, HttpContext context) : Stream
{
    private static readonly TimeSpan ResetGrace = TimeSpan.FromMilliseconds(200);

    private long _written;
    private bool _stalled;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var allowed = _stalled ? buffer.Length : (int)Math.Clamp(fault.AfterBytes - _written, 0, buffer.Length);
        if (allowed > 0)
        {
            await inner.WriteAsync(buffer[..allowed], cancellationToken).ConfigureAwait(false);
            _written += allowed;
        }

        if (allowed == buffer.Length)
        {
            return;
        }

        // The limit is reached: make sure the client has the headers and the bytes so far.
        await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
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
                await inner.WriteAsync(buffer[allowed..], cancellationToken).ConfigureAwait(false);
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

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Synchronous writes are not allowed.");

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => throw new NotSupportedException("Synchronous writes are not allowed.");

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
