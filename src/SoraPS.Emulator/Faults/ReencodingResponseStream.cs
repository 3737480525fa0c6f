using System;
using System.Buffers;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace SoraPS.Emulator.Faults;

/// <summary>
/// Wraps the response body: once active, every byte written is decoded as UTF-8 (a replacement
/// character for each invalid sequence) and encoded again, as a gateway does that takes every body
/// for text. Decoder and encoder keep their state between writes, so a sequence split across two
/// writes is treated as one; <see cref="CompleteAsync"/> sends what they still hold.
/// </summary>
internal sealed class ReencodingResponseStream(Stream inner, Func<bool> applies) : ResponseBodyWrapper(inner)
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly Decoder _decoder = Utf8.GetDecoder();
    private readonly Encoder _encoder = Utf8.GetEncoder();
    private bool? _active;

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // Decided at the first write, when the handler has set the status.
        _active ??= applies();
        return _active.Value ? WriteReencodedAsync(buffer, flush: false, cancellationToken) : Inner.WriteAsync(buffer, cancellationToken);
    }

    public Task CompleteAsync() =>
        _active == true ? WriteReencodedAsync(ReadOnlyMemory<byte>.Empty, flush: true, CancellationToken.None).AsTask() : Task.CompletedTask;

    private async ValueTask WriteReencodedAsync(ReadOnlyMemory<byte> bytes, bool flush, CancellationToken cancellationToken)
    {
        var chars = ArrayPool<char>.Shared.Rent(_decoder.GetCharCount(bytes.Span, flush) + 1);
        byte[]? encoded = null;
        try
        {
            var charCount = _decoder.GetChars(bytes.Span, chars, flush);
            encoded = ArrayPool<byte>.Shared.Rent(_encoder.GetByteCount(chars.AsSpan(0, charCount), flush) + 1);
            var byteCount = _encoder.GetBytes(chars.AsSpan(0, charCount), encoded, flush);
            if (byteCount > 0)
            {
                await Inner.WriteAsync(encoded.AsMemory(0, byteCount), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
            if (encoded is not null)
            {
                ArrayPool<byte>.Shared.Return(encoded);
            }
        }
    }
}
