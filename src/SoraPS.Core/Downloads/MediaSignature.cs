using System;

namespace SoraPS;

/// <summary>What a downloaded body is by its first bytes, whatever its Content-Type says.</summary>
internal sealed class MediaSignature
{
    /// <summary>Enough of a body's start for every signature known here, and for quoting an error page.</summary>
    public const int HeadLength = 4096;

    private MediaSignature(string mediaType, bool isVideo, string description)
    {
        MediaType = mediaType;
        IsVideo = isVideo;
        Description = description;
        Extension = ContentFileNames.ExtensionFor(mediaType)!;
    }

    public string MediaType { get; }

    public bool IsVideo { get; }

    /// <summary>For messages: "a video (MP4)", "an image (WebP)".</summary>
    public string Description { get; }

    public string Extension { get; }

    /// <summary>The media the bytes are, or null when they are none known here (an error page, or something else).</summary>
    public static MediaSignature? Sniff(byte[] head, int length)
    {
        var start = head.AsSpan(0, Math.Min(length, 64)).ToArray();
        var video = VideoTypes.Sniff(start, null);
        if (video is not null)
        {
            var name = video == VideoTypes.Webm ? "WebM" : video == VideoTypes.QuickTime ? "QuickTime" : "MP4";
            return new MediaSignature(video, isVideo: true, $"a video ({name})");
        }

        var image = ImageTypes.Sniff(start);
        if (image is not null)
        {
            var name = image == ImageTypes.Png ? "PNG" : image == ImageTypes.Webp ? "WebP" : "JPEG";
            return new MediaSignature(image, isVideo: false, $"an image ({name})");
        }

        return null;
    }

    /// <summary>Whether these bytes are what <paramref name="variant"/> should be: a video, or an image for the thumbnail and spritesheet.</summary>
    public bool Fits(VideoVariant variant) => IsVideo == (variant == VideoVariant.Video);
}
