using System;
using System.IO;

namespace SoraPS;

/// <summary>Checks for edits, extensions and characters.</summary>
public static partial class InputValidation
{
    public const int MaxCharacterNameLength = 80;

    private const int VideoHeaderLength = 64;

    /// <summary>The length of an extension: required, a positive whole number of seconds.</summary>
    public static string ExtensionSeconds(string? seconds, string parameterName = "Seconds") =>
        InputValidation.Seconds(seconds, parameterName)
            ?? throw new ArgumentException(
                "The extension has no length. Give -Seconds the seconds to add (for example 4, 8 or 12).", parameterName);

    public static string CharacterName(string? name, string parameterName = "Name")
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException(
                $"The character name is empty. Give -Name a display name of 1 to {MaxCharacterNameLength} characters.", parameterName);
        }

        if (name!.Length > MaxCharacterNameLength)
        {
            throw new ArgumentException(
                $"The character name has {name.Length} characters; the API accepts at most {MaxCharacterNameLength}. Shorten -Name.",
                parameterName);
        }

        return name;
    }

    public static string CharacterId(string? id, string parameterName = "Id")
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new ArgumentException("The character id is empty. Pass the id of a character, such as char_123.", parameterName);
        }

        return id!.Trim();
    }

    /// <summary>Checks that the file exists, is readable and is an MP4, QuickTime or WebM video by its bytes.</summary>
    /// <returns>The video's media type, sent as the upload part's Content-Type.</returns>
    public static string VideoFile(string path, string parameterName = "VideoPath")
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException("No video file given. Pass the path of an MP4, QuickTime (.mov) or WebM file to -VideoPath.", parameterName);
        }

        if (Directory.Exists(path))
        {
            throw new ArgumentException($"'{path}' is a folder. -VideoPath takes an MP4, QuickTime (.mov) or WebM video file.", parameterName);
        }

        if (!File.Exists(path))
        {
            throw new ArgumentException($"The video file '{path}' does not exist. Check -VideoPath.", parameterName);
        }

        var header = ReadHeader(path, VideoHeaderLength, "The video file", parameterName);
        return VideoTypes.Sniff(header, Path.GetExtension(path))
            ?? throw new ArgumentException(
                $"'{path}' is not an MP4, QuickTime (.mov) or WebM video (checked by its content). The API accepts only those.",
                parameterName);
    }
}
