using System;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SoraPS.Core.Json;

/// <summary>
/// Reads a string, or a number or boolean as its text (some gateways send <c>"seconds": 8</c>), so that
/// an open value keeps what the server said instead of failing the whole answer.
/// </summary>
internal sealed class FlexibleStringConverter : JsonConverter<string?>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Number:
                using (var number = JsonDocument.ParseValue(ref reader))
                {
                    return number.RootElement.GetRawText();
                }

            case JsonTokenType.True:
                return "true";
            case JsonTokenType.False:
                return "false";
            default:
                reader.Skip();
                return null;
        }
    }

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}
