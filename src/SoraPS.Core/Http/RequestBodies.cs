using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using SoraPS.Core.Json;

namespace SoraPS.Core.Http;

/// <summary>
/// The bodies SoraPS sends: JSON, and multipart forms whose file parts carry their own Content-Type and
/// quoted names. Each is made afresh per attempt, so that a retry sends a file again from its start.
/// </summary>
internal static class RequestBodies
{
    private const int FileBufferSize = 81920;

    public static ByteArrayContent Json<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    /// <summary>A create with a URL or file-id reference goes as JSON; anything else as multipart, like the official examples.</summary>
    public static HttpContent CreateVideo(ValidatedCreateVideoRequest valid) =>
        valid.UsesJsonBody ? CreateVideoJson(valid) : CreateVideoForm(valid);

    /// <summary>A multipart form with one text field and a <c>video</c> file part (edits of uploads, characters).</summary>
    public static MultipartFormDataContent VideoForm(string videoPath, string contentType, string fieldName, string fieldValue)
    {
        var form = new MultipartFormDataContent();
        AddField(form, fieldName, fieldValue);
        form.Add(FilePart("video", videoPath, contentType));
        return form;
    }

    private static ByteArrayContent CreateVideoJson(ValidatedCreateVideoRequest valid) =>
        Json(
            new CreateVideoJsonBody
            {
                Prompt = valid.Prompt,
                Model = valid.Model,
                Seconds = valid.Seconds,
                Size = valid.Size,
                InputReference = new ImageReferenceBody { ImageUrl = valid.ImageUri, FileId = valid.FileId },
            },
            SoraJsonContext.Default.CreateVideoJsonBody);

    private static MultipartFormDataContent CreateVideoForm(ValidatedCreateVideoRequest valid)
    {
        var form = new MultipartFormDataContent();
        AddField(form, "prompt", valid.Prompt);
        AddField(form, "model", valid.Model);
        AddField(form, "seconds", valid.Seconds);
        AddField(form, "size", valid.Size);
        if (valid.ImagePath is not null)
        {
            form.Add(FilePart("input_reference", valid.ImagePath, valid.ImageContentType!));
        }

        return form;
    }

    private static StreamContent FilePart(string name, string path, string contentType)
    {
        var file = new StreamContent(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileBufferSize, useAsync: true));
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        file.Headers.ContentDisposition = FormData(name, Path.GetFileName(path));
        return file;
    }

    private static void AddField(MultipartFormDataContent form, string name, string? value)
    {
        if (value is null)
        {
            return;
        }

        var part = new ByteArrayContent(Encoding.UTF8.GetBytes(value));
        part.Headers.ContentDisposition = FormData(name, null);
        form.Add(part);
    }

    /// <summary>Quoted name and filename: .NET leaves them bare, and some servers reject bare values.</summary>
    private static ContentDispositionHeaderValue FormData(string name, string? fileName)
    {
        var disposition = new ContentDispositionHeaderValue("form-data") { Name = Quote(name) };
        if (fileName is not null)
        {
            disposition.FileName = Quote(fileName);
        }

        return disposition;
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
