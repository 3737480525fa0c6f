using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace SoraPS.Core.Batch;

/// <summary>
/// A row's stable identity: its name when it has one, else a hash of what makes the job (prompt, model,
/// seconds, size and the reference, a local image by its content). The same row read again from the same
/// CSV, on another machine or after a restart, gets the same key, so the journal can tell it was done.
/// </summary>
internal static class BatchRowKey
{
    /// <summary>Hex digits of a hashed key: 80 bits, far beyond any chance of two rows of one batch meeting.</summary>
    private const int HashKeyLength = 20;

    public static string For(string? name, string fingerprint) =>
        name ?? fingerprint.Substring(0, HashKeyLength);

    /// <summary>
    /// A SHA-256 of the job's fields, each tagged and length-prefixed so that no two different rows
    /// can encode alike. The prompt's surrounding white space and line endings do not count: CSV tools
    /// change them without anyone meaning a new video.
    /// </summary>
    public static string Fingerprint(ValidatedCreateVideoRequest request, string? imageHash)
    {
        using var buffer = new MemoryStream();
        Add(buffer, "prompt", request.Prompt.Replace("\r\n", "\n").Trim());
        Add(buffer, "model", request.Model);
        Add(buffer, "seconds", request.Seconds);
        Add(buffer, "size", request.Size);
        Add(buffer, "image", imageHash);
        Add(buffer, "image_url", request.ImageUri);
        Add(buffer, "file_id", request.FileId);
        return Hex(Sha256(buffer.ToArray()));
    }

    public static byte[] Sha256(byte[] data)
    {
#if NET
        return SHA256.HashData(data);
#else
        using var sha = SHA256.Create();
        return sha.ComputeHash(data);
#endif
    }

    /// <summary>The SHA-256 of a file's content, read once.</summary>
    public static string HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.SequentialScan);
        using var sha = SHA256.Create();
        return Hex(sha.ComputeHash(stream));
    }

    public static string Hex(byte[] bytes)
    {
        var text = new StringBuilder(bytes.Length * 2);
        foreach (var b in bytes)
        {
            text.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    private static void Add(MemoryStream buffer, string tag, string? value)
    {
        var tagBytes = Encoding.UTF8.GetBytes(tag);
        buffer.WriteByte((byte)tagBytes.Length);
        buffer.Write(tagBytes, 0, tagBytes.Length);
        if (value is null)
        {
            buffer.WriteByte(0);
            return;
        }

        buffer.WriteByte(1);
        var bytes = Encoding.UTF8.GetBytes(value);
        var length = BitConverter.GetBytes(bytes.Length);
        buffer.Write(length, 0, length.Length);
        buffer.Write(bytes, 0, bytes.Length);
    }
}
