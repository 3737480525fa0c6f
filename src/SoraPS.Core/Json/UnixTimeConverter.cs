using System;
using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SoraPS.Core.Json;

/// <summary>
/// Unix seconds to a UTC <see cref="DateTimeOffset"/>. Accepts integers, fractions and numeric
/// strings, because gateways re-serialise the field in all three forms; anything else reads as null.
/// </summary>
internal sealed class UnixTimeConverter : JsonConverter<DateTimeOffset?>
{
    public override bool HandleNull => true;

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        double seconds;
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                seconds = reader.GetDouble();
                break;
            case JsonTokenType.String:
                var span = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan.ToArray();
                if (!Utf8Parser.TryParse(span, out seconds, out var consumed) || consumed != span.Length)
                {
                    return null;
                }

                break;
            default:
                reader.Skip();
                return null;
        }

        // Values past the representable range are a server bug, not a reason to lose the job.
        if (double.IsNaN(seconds) || seconds < -62135596800d || seconds > 253402300799d)
        {
            return null;
        }

        return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000d));
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteNumberValue(value.Value.ToUnixTimeSeconds());
        }
    }
}
