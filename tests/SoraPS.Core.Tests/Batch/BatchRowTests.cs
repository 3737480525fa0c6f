using System;
using System.IO;
using System.Linq;
using SoraPS.Core.Batch;

namespace SoraPS.Core.Tests.Batch;

public class BatchRowTests
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52];

    private static PreparedRow One(BatchRow row) => PreparedRow.PrepareAll([row], null).Single();

    [Fact]
    public void A_named_row_is_keyed_by_its_name_and_any_other_by_a_hash_of_its_job()
    {
        var named = One(new BatchRow(1, "A cat") { Name = "  intro  " });
        var hashed = One(new BatchRow(1, "A cat"));

        Assert.Equal("intro", named.Key);
        Assert.Matches("^[0-9a-f]{20}$", hashed.Key);
        Assert.Equal(named.Fingerprint, hashed.Fingerprint);
    }

    [Fact]
    public void The_key_follows_what_makes_the_job_and_nothing_else()
    {
        var key = One(new BatchRow(1, "A cat") { Seconds = "8", Size = "1280x720", Model = "sora-2" }).Key;

        // The same job, read again from another row position, with the form the validation normalises.
        Assert.Equal(key, One(new BatchRow(7, "A cat\r\n ") { Seconds = "08", Size = " 1280x720 ", Model = " sora-2 " }).Key);
        Assert.NotEqual(key, One(new BatchRow(1, "A cat") { Seconds = "4", Size = "1280x720", Model = "sora-2" }).Key);
        Assert.NotEqual(key, One(new BatchRow(1, "A cat") { Seconds = "8", Size = "720x1280", Model = "sora-2" }).Key);
        Assert.NotEqual(key, One(new BatchRow(1, "A cat") { Seconds = "8", Size = "1280x720", Model = "sora-2-pro" }).Key);
        Assert.NotEqual(key, One(new BatchRow(1, "A dog") { Seconds = "8", Size = "1280x720", Model = "sora-2" }).Key);
        Assert.NotEqual(key, One(new BatchRow(1, "A cat") { Seconds = "8", Size = "1280x720", Model = "sora-2", InputReferenceFileId = "file-1" }).Key);
    }

    [Fact]
    public void A_local_reference_image_counts_by_its_content_not_its_path()
    {
        using var folder = new TempFolder();
        var first = Path.Combine(folder.Path, "a.png");
        var copy = Path.Combine(folder.Path, "b.png");
        File.WriteAllBytes(first, Png);
        File.WriteAllBytes(copy, Png);

        var a = One(new BatchRow(1, "A cat") { InputReferencePath = first }).Key;
        var b = One(new BatchRow(1, "A cat") { InputReferencePath = copy }).Key;
        File.WriteAllBytes(copy, [.. Png, 1]);
        var changed = One(new BatchRow(1, "A cat") { InputReferencePath = copy }).Key;

        Assert.Equal(a, b);
        Assert.NotEqual(a, changed);
    }

    [Fact]
    public void Every_bad_row_is_named_in_one_error_before_anything_happens()
    {
        var rows = new[]
        {
            new BatchRow(1, "Fine"),
            new BatchRow(2, "  ") { PropertyNames = ["Promt", "Seconds"] },
            new BatchRow(3, "Bad size") { Size = "big" },
            new BatchRow(4, "Fine"),
            new BatchRow(5, "Other") { Name = "x" },
            new BatchRow(6, "Another") { Name = "x" },
        };

        var error = Assert.Throws<ArgumentException>(() => PreparedRow.PrepareAll(rows, null));

        Assert.StartsWith("4 rows of the batch cannot be used; nothing was sent and nothing was written.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Row 2: no Prompt (its properties: Promt, Seconds)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Row 3: The size 'big' is not of the form WIDTHxHEIGHT (for example 1280x720). Correct the column Size.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Row 4 makes the same job as row 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("Row 6 has the Name 'x', like row 5", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("9/8", "names part 9 of 8")]
    [InlineData("0/8", "names part 0 of 8")]
    [InlineData("1/0", "has 0 parts")]
    [InlineData("2 of 8", "is not of the form PART/COUNT")]
    [InlineData("", "is not of the form PART/COUNT")]
    [InlineData("1/1001", "has 1001 parts")]
    public void A_bad_shard_says_what_is_wrong(string text, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => BatchShard.Parse(text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Shards_split_the_rows_so_that_each_row_is_in_exactly_one()
    {
        var rows = Enumerable.Range(1, 300).Select(i => new BatchRow(i, $"Prompt {i}")).ToList();
        var all = PreparedRow.PrepareAll(rows, null).Select(r => r.Key).ToHashSet();

        var parts = Enumerable.Range(1, 3).Select(p => PreparedRow.PrepareAll(rows, BatchShard.Parse($"{p}/3")).Select(r => r.Key).ToList()).ToList();

        Assert.Equal(300, parts.Sum(p => p.Count));
        Assert.True(all.SetEquals(parts.SelectMany(p => p)));
        Assert.All(parts, p => Assert.InRange(p.Count, 60, 140));
        Assert.Equal(" 2/8 ".Trim(), BatchShard.Parse(" 2 / 8 ").ToString());
    }

    [Theory]
    // SHA-256 of the key's UTF-8 bytes, first 8 bytes big-endian, modulo the count, plus one (computed with Python's hashlib).
    [InlineData("row-1", 8, 6)]
    [InlineData("row-1", 3, 3)]
    [InlineData("intro", 8, 8)]
    [InlineData("intro", 3, 1)]
    [InlineData("A calico cat", 8, 6)]
    public void A_key_falls_in_the_same_shard_in_every_process_and_on_every_machine(string key, int count, int part)
    {
        Assert.Equal(part, BatchShard.PartOf(key, count));
    }
}
