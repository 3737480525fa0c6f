using System;
using System.Collections.Generic;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace SoraPS.Emulator.Http;

internal enum FieldKind
{
    Missing,
    Text,
    Json,
    File,
}

/// <summary>One named value of a request, from a JSON property or a multipart part.</summary>
internal readonly record struct FieldValue(FieldKind Kind, string? Text = null, JsonElement Json = default, UploadedFile? File = null)
{
    public static FieldValue Missing => default;
}

/// <summary>
/// The named values of a JSON or multipart body behind one API, so each handler validates a body
/// once whatever its encoding. Failures throw <see cref="ApiErrorException"/> (400) naming the param.
/// </summary>
internal sealed class RequestFields
{
    private readonly Dictionary<string, FieldValue> _values;

    private RequestFields(Dictionary<string, FieldValue> values, bool isMultipart)
    {
        _values = values;
        IsMultipart = isMultipart;
    }

    public bool IsMultipart { get; }

    public FieldValue this[string name] => _values.GetValueOrDefault(name);

    public static RequestFields Read(HttpContext context, bool multipartOnly = false)
    {
        var body = IncomingBody.Of(context);
        if (body.Kind == BodyKind.Multipart)
        {
            if (body.Problem is not null)
            {
                throw ApiErrorException.BadRequest(body.Problem, null, null);
            }

            var values = new Dictionary<string, FieldValue>(StringComparer.Ordinal);
            foreach (var (name, text) in body.Fields)
            {
                values[name] = new FieldValue(FieldKind.Text, Text: text);
            }

            foreach (var (name, file) in body.Files)
            {
                values[name] = new FieldValue(FieldKind.File, File: file);
            }

            return new RequestFields(values, isMultipart: true);
        }

        if (body.Kind == BodyKind.Json && !multipartOnly)
        {
            return FromJson(body.Json ?? string.Empty);
        }

        var expected = multipartOnly ? "multipart/form-data" : "application/json or multipart/form-data";
        throw ApiErrorException.BadRequest($"Unsupported content type. Send the request body as {expected}.", null, "unsupported_content_type");
    }

    /// <summary>A string of 1..<paramref name="maxLength"/> characters that must be present.</summary>
    public string RequiredText(string name, int maxLength)
    {
        var value = OptionalText(name)
            ?? throw ApiErrorException.BadRequest($"Missing required parameter: '{name}'.", name, "missing_required_parameter");
        if (value.Length == 0)
        {
            throw ApiErrorException.BadRequest($"Invalid '{name}': empty string. Expected a string with minimum length 1.", name, "empty_string");
        }

        if (value.Length > maxLength)
        {
            throw ApiErrorException.BadRequest(
                $"Invalid '{name}': string too long. Expected a string with maximum length {maxLength}, but got a string with length {value.Length} instead.",
                name,
                "string_above_max_length");
        }

        return value;
    }

    /// <summary>A string value, or null when absent; any other JSON type or a file part is an error.</summary>
    public string? OptionalText(string name)
    {
        var field = this[name];
        return field.Kind switch
        {
            FieldKind.Missing => null,
            FieldKind.Text => field.Text,
            _ => throw ApiErrorException.BadRequest($"Invalid type for '{name}': expected a string.", name, "invalid_type"),
        };
    }

    /// <summary>
    /// A JSON object: a JSON body's object property, or a multipart text field holding JSON.
    /// Null when absent or a file part.
    /// </summary>
    public JsonElement? ObjectValue(string name)
    {
        var field = this[name];
        switch (field.Kind)
        {
            case FieldKind.Json when field.Json.ValueKind == JsonValueKind.Object:
                return field.Json;
            case FieldKind.Text when IsMultipart:
                try
                {
                    using var document = JsonDocument.Parse(field.Text!);
                    if (document.RootElement.ValueKind == JsonValueKind.Object)
                    {
                        return document.RootElement.Clone();
                    }
                }
                catch (JsonException)
                {
                    // Reported below like any other value that is not an object.
                }

                throw ApiErrorException.BadRequest($"Invalid '{name}': expected a file or a JSON object.", name, "invalid_value");
            case FieldKind.Missing or FieldKind.File:
                return null;
            default:
                throw ApiErrorException.BadRequest($"Invalid type for '{name}': expected an object.", name, "invalid_type");
        }
    }

    private static RequestFields FromJson(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            throw ApiErrorException.BadRequest(
                "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)",
                null,
                null);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw ApiErrorException.BadRequest("The JSON body of your request must be an object.", null, null);
            }

            var values = new Dictionary<string, FieldValue>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                values[property.Name] = property.Value.ValueKind switch
                {
                    // A null is taken as "not given", as SDKs write for omitted optional values.
                    JsonValueKind.Null => FieldValue.Missing,
                    JsonValueKind.String => new FieldValue(FieldKind.Text, Text: property.Value.GetString()),
                    _ => new FieldValue(FieldKind.Json, Json: property.Value.Clone()),
                };
            }

            return new RequestFields(values, isMultipart: false);
        }
    }
}
