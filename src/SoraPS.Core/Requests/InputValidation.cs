using System;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;

namespace SoraPS;

/// <summary>
/// Checks made before anything is sent or written. Each failure is an <see cref="ArgumentException"/>
/// whose message says what to fix. Open values (model, size, seconds) are checked for form only.
/// </summary>
public static partial class InputValidation
{
    public const int MaxPromptLength = 32000;
    public const int MinListLimit = 1;
    public const int MaxListLimit = 100;

    private static readonly Regex SizePattern = new(@"^\d{1,5}x\d{1,5}$", RegexOptions.CultureInvariant);

    public static string Prompt(string? prompt, string parameterName = "Prompt")
    {
        if (string.IsNullOrWhiteSpace(prompt))
        {
            throw new ArgumentException("The prompt is empty. Describe the video to generate in -Prompt.", parameterName);
        }

        if (prompt!.Length > MaxPromptLength)
        {
            throw new ArgumentException(
                $"The prompt has {prompt.Length} characters; the API accepts at most {MaxPromptLength}. Shorten -Prompt.",
                parameterName);
        }

        return prompt;
    }

    /// <summary>Null or blank means "let the server choose" (an empty CSV cell binds as an empty string).</summary>
    public static string? Size(string? size, string parameterName = "Size")
    {
        if (string.IsNullOrWhiteSpace(size))
        {
            return null;
        }

        var trimmed = size!.Trim();
        if (!SizePattern.IsMatch(trimmed))
        {
            throw new ArgumentException(
                $"The size '{trimmed}' is not of the form WIDTHxHEIGHT (for example 1280x720). Correct -Size.", parameterName);
        }

        return trimmed;
    }

    public static string? Seconds(string? seconds, string parameterName = "Seconds")
    {
        if (string.IsNullOrWhiteSpace(seconds))
        {
            return null;
        }

        var trimmed = seconds!.Trim();
        if (!int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0)
        {
            throw new ArgumentException(
                $"The duration '{trimmed}' is not a positive whole number of seconds (for example 4, 8 or 12). Correct -Seconds.",
                parameterName);
        }

        return value.ToString(CultureInfo.InvariantCulture);
    }

    public static string? Model(string? model) => string.IsNullOrWhiteSpace(model) ? null : model!.Trim();

    public static int? ListLimit(int? limit)
    {
        if (limit is { } value && (value < MinListLimit || value > MaxListLimit))
        {
            throw new ArgumentOutOfRangeException(
                nameof(limit), value, $"-Limit must be between {MinListLimit} and {MaxListLimit}.");
        }

        return limit;
    }

    public static string VideoId(string? id, string parameterName = "Id")
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new ArgumentException("The video id is empty. Pass the id of a job, such as video_123.", parameterName);
        }

        return id!.Trim();
    }

    /// <summary>Parses an absolute http(s) base such as https://host/v1.</summary>
    public static Uri ParseBaseUri(string text, string source = "-BaseUri")
    {
        if (!Uri.TryCreate(text?.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException(
                $"'{text}' given in {source} is not an absolute http or https address such as https://example.com/v1.", nameof(text));
        }

        return uri;
    }

    /// <summary>Checks that the file exists, is readable and is a JPEG, PNG or WebP image by its bytes.</summary>
    /// <returns>The image's media type, sent as the upload part's Content-Type.</returns>
    public static string ReferenceImage(string path)
    {
        if (Directory.Exists(path))
        {
            throw new ArgumentException($"'{path}' is a folder. -InputReference takes a JPEG, PNG or WebP image file.", nameof(path));
        }

        if (!File.Exists(path))
        {
            throw new ArgumentException($"The reference image '{path}' does not exist. Check -InputReference.", nameof(path));
        }

        return ImageTypes.Sniff(ReadHeader(path, 12, "The reference image", nameof(path)))
            ?? throw new ArgumentException(
                $"'{path}' is not a JPEG, PNG or WebP image (checked by its content). The API accepts only those.", nameof(path));
    }

    /// <summary>The first bytes of a file (fewer if it is shorter), to recognise its format.</summary>
    private static byte[] ReadHeader(string path, int count, string what, string parameterName)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var buffer = new byte[count];
            var total = 0;
            int n;
            while (total < count && (n = stream.Read(buffer, total, count - total)) > 0)
            {
                total += n;
            }

            return total == count ? buffer : buffer.AsSpan(0, total).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"{what} '{path}' cannot be read: {e.Message}", parameterName, e);
        }
    }
}
