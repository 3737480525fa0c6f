using System;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SoraPS.Core.Json;

/// <summary>
/// Reads an integer from an integer, a fraction (rounded) or a numeric string; null, absent or anything
/// else is null, so that "the server did not say" never reads as a misleading 0.
/// </summary>
internal sealed class FlexibleIntConverter : JsonConverter<int?>
{
    public override bool HandleNull => true;

    public override int? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        double value;
        if (reader.TokenType == JsonTokenType.Number)
        {
            value = reader.GetDouble();
        }
        else if (reader.TokenType != JsonTokenType.String
            || !double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            reader.Skip();
            return null;
        }

        if (double.IsNaN(value))
        {
            return null;
        }

        return (int)Math.Round(Math.Max(int.MinValue, Math.Min(int.MaxValue, value)));
    }

    public override void Write(Utf8JsonWriter writer, int? value, JsonSerializerOptions options)
    {
        if (value is { } number)
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
