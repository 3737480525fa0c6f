using System;
using System.IO;

namespace SoraPS;

/// <summary>What a new job is made from. <see cref="Validate"/> runs before anything is sent.</summary>
public sealed class CreateVideoRequest
{
    public CreateVideoRequest(string prompt)
    {
        Prompt = prompt;
    }

    public string Prompt { get; }

    /// <summary>Null lets the server choose (sora-2 on OpenAI; gateways may require one).</summary>
    public string? Model { get; init; }

    public string? Seconds { get; init; }

    public string? Size { get; init; }

    /// <summary>A local image uploaded as a multipart file part; becomes the first frame.</summary>
    public string? InputReferencePath { get; init; }

    /// <summary>An http(s) URL or a data: URL of the image, sent in a JSON body.</summary>
    public string? InputReferenceUri { get; init; }

    /// <summary>The id of an uploaded file (file-...), sent in a JSON body.</summary>
    public string? InputReferenceFileId { get; init; }

    /// <summary>Checks every field and returns a copy with values normalised, or throws <see cref="ArgumentException"/>.</summary>
    public ValidatedCreateVideoRequest Validate()
    {
        var prompt = InputValidation.Prompt(Prompt);
        var given = (InputReferencePath is null ? 0 : 1) + (InputReferenceUri is null ? 0 : 1) + (InputReferenceFileId is null ? 0 : 1);
        if (given > 1)
        {
            throw new ArgumentException(
                "Give at most one reference: -InputReference (a local image), -InputReferenceUri (a URL or data: URL) or -InputReferenceFileId.");
        }

        string? imageType = null;
        if (InputReferencePath is not null)
        {
            imageType = InputValidation.ReferenceImage(InputReferencePath);
        }

        if (InputReferenceUri is not null)
        {
            var isDataUrl = InputReferenceUri.StartsWith("data:image/", StringComparison.OrdinalIgnoreCase);
            if (!isDataUrl
                && (!Uri.TryCreate(InputReferenceUri, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
            {
                throw new ArgumentException(
                    $"'{Shorten(InputReferenceUri)}' is neither an http(s) URL nor a data:image/... URL. Correct -InputReferenceUri.");
            }
        }

        if (InputReferenceFileId is not null && string.IsNullOrWhiteSpace(InputReferenceFileId))
        {
            throw new ArgumentException("-InputReferenceFileId is empty. Pass the id of an uploaded file, such as file-123.");
        }

        return new ValidatedCreateVideoRequest(
            prompt,
            InputValidation.Model(Model),
            InputValidation.Seconds(Seconds),
            InputValidation.Size(Size),
            InputReferencePath is null ? null : Path.GetFullPath(InputReferencePath),
            imageType,
            InputReferenceUri,
            InputReferenceFileId?.Trim());
    }

    private static string Shorten(string value) => value.Length <= 60 ? value : value.Substring(0, 57) + "...";
}

/// <summary>A create request whose fields passed <see cref="CreateVideoRequest.Validate"/>.</summary>
public sealed class ValidatedCreateVideoRequest
{
    internal ValidatedCreateVideoRequest(
        string prompt, string? model, string? seconds, string? size, string? imagePath, string? imageType, string? imageUri, string? fileId)
    {
        Prompt = prompt;
        Model = model;
        Seconds = seconds;
        Size = size;
        ImagePath = imagePath;
        ImageContentType = imageType;
        ImageUri = imageUri;
        FileId = fileId;
    }

    public string Prompt { get; }

    public string? Model { get; }

    public string? Seconds { get; }

    public string? Size { get; }

    public string? ImagePath { get; }

    public string? ImageContentType { get; }

    public string? ImageUri { get; }

    public string? FileId { get; }

    /// <summary>A JSON body carries a URL or file id; everything else goes as multipart like the official examples.</summary>
    internal bool UsesJsonBody => ImageUri is not null || FileId is not null;
}
