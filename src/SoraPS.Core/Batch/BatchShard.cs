using System;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SoraPS;

/// <summary>
/// One part of a batch split into <see cref="Count"/> parts: the rows whose key hashes to it. The hash is
/// SHA-256 of the key, the same in every process, edition and machine (string.GetHashCode is not: it is
/// randomised per process), so parallel runs over one CSV never take the same row.
/// </summary>
public sealed class BatchShard : IEquatable<BatchShard>
{
    public const int MaxCount = 1000;

    private static readonly Regex Pattern = new(@"^\s*(\d{1,9})\s*/\s*(\d{1,9})\s*$", RegexOptions.CultureInvariant);

    private BatchShard(int part, int count)
    {
        Part = part;
        Count = count;
    }

    /// <summary>This part, from 1 to <see cref="Count"/>.</summary>
    public int Part { get; }

    public int Count { get; }

    /// <summary>Reads "2/8": part 2 of 8.</summary>
    public static BatchShard Parse(string? text)
    {
        var match = Pattern.Match(text ?? string.Empty);
        if (!match.Success)
        {
            throw new ArgumentException(
                $"-Shard '{text}' is not of the form PART/COUNT, such as 2/8 for the second of eight parts.");
        }

        var part = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var count = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        if (count < 1 || count > MaxCount)
        {
            throw new ArgumentException($"-Shard '{text}' has {count} parts; use 1 to {MaxCount} parts.");
        }

        if (part < 1 || part > count)
        {
            throw new ArgumentException(
                $"-Shard '{text}' names part {part} of {count}; the part must be from 1 to {count}, as in 1/{count} ... {count}/{count}.");
        }

        return new BatchShard(part, count);
    }

    /// <summary>The part, from 1 to <paramref name="count"/>, that a key belongs to.</summary>
    public static int PartOf(string key, int count)
    {
        if (key is null)
        {
            throw new ArgumentNullException(nameof(key));
        }

        var hash = Core.Batch.BatchRowKey.Sha256(Encoding.UTF8.GetBytes(key));
        ulong value = 0;
        for (var i = 0; i < 8; i++)
        {
            value = (value << 8) | hash[i];
        }

        return (int)(value % (ulong)count) + 1;
    }

    public bool Contains(string key) => PartOf(key, Count) == Part;

    /// <summary>"2-of-8", for file names.</summary>
    public string FileSuffix => Part.ToString(CultureInfo.InvariantCulture) + "-of-" + Count.ToString(CultureInfo.InvariantCulture);

    public override string ToString() => Part.ToString(CultureInfo.InvariantCulture) + "/" + Count.ToString(CultureInfo.InvariantCulture);

    public bool Equals(BatchShard? other) => other is not null && other.Part == Part && other.Count == Count;

    public override bool Equals(object? obj) => Equals(obj as BatchShard);

    public override int GetHashCode() => (Part * 397) ^ Count;
}
