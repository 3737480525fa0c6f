using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using SoraPS.Core.Batch;

namespace SoraPS.Core.Tests.Batch;

public class BatchJournalTests
{
    private static readonly Uri Server = new("http://127.0.0.1:5080/v1/");

    private static JournalIdentity Identity(string output, string journal, BatchShard? shard = null, Uri? server = null) =>
        new(output, journal, shard, server ?? Server);

    private static JournalRecord Record(string type, string key, string? id = null) =>
        new() { Type = type, Key = key, Id = id, At = DateTimeOffset.UtcNow };

    [Fact]
    public void Records_read_back_as_each_rows_state()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "SoraBatch.journal");
        var identity = Identity(folder.Path, path);
        using (var journal = BatchJournal.Open(path, identity, _ => { }))
        {
            Assert.True(journal.IsNew);
            journal.Append(Record(JournalRecord.Creating, "a"));
            journal.Append(Record(JournalRecord.Created, "a", "video_1"));
            journal.Append(Record(JournalRecord.Creating, "b"));
            journal.Append(Record(JournalRecord.Creating, "c"));
            journal.Append(new JournalRecord { Type = JournalRecord.Rejected, Key = "c", HttpStatus = 429, At = DateTimeOffset.UtcNow });
            journal.Append(new JournalRecord { Type = JournalRecord.Finished, Key = "a", Id = "video_1", Status = "completed", At = DateTimeOffset.UtcNow });
            journal.Append(new JournalRecord { Type = JournalRecord.Saved, Key = "a", Id = "video_1", Variant = "video", File = "video_1.mp4", Length = 10, Sha256 = "ab", At = DateTimeOffset.UtcNow });
        }

        using var reopened = BatchJournal.Open(path, identity, _ => throw new InvalidOperationException("no warning expected"));

        Assert.False(reopened.IsNew);
        var a = reopened.Find("a")!;
        Assert.Equal("video_1", a.VideoId);
        Assert.Equal("completed", a.Finish!.Status);
        Assert.Equal("video_1.mp4", a.Saved[VideoVariant.Video].File);
        Assert.False(a.CreateInDoubt);
        Assert.True(reopened.Find("b")!.CreateInDoubt);
        Assert.False(reopened.Find("c")!.CreateInDoubt);
        Assert.Equal(429, reopened.Find("c")!.Rejection!.HttpStatus);
        Assert.Null(reopened.Find("d"));
    }

    [Fact]
    public void A_torn_last_record_is_set_aside_with_a_warning_and_the_rest_is_kept()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "SoraBatch.journal");
        var identity = Identity(folder.Path, path);
        using (var journal = BatchJournal.Open(path, identity, _ => { }))
        {
            journal.Append(Record(JournalRecord.Creating, "a"));
            journal.Append(Record(JournalRecord.Created, "a", "video_1"));
        }

        var good = File.ReadAllBytes(path);
        // What a power cut leaves: half a record, then the zeros of blocks that were never written.
        var torn = "{\"type\":\"creating\",\"key\":\"b\",\"at\":\"2026-" + new string('\0', 37);
        File.AppendAllText(path, torn);
        var warnings = new List<string>();

        using (var journal = BatchJournal.Open(path, identity, warnings.Add))
        {
            Assert.Equal("video_1", journal.Find("a")!.VideoId);
            Assert.Null(journal.Find("b"));
            journal.Append(Record(JournalRecord.Creating, "c"));
        }

        var warning = Assert.Single(warnings);
        Assert.Contains($"was cut short ({torn.Length} bytes", warning, StringComparison.Ordinal);
        var lines = File.ReadAllText(path).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(good, File.ReadAllBytes(path).Take(good.Length).ToArray());
        Assert.Equal(4, lines.Length);
        Assert.Contains("\"key\":\"c\"", lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public void Room_made_ahead_by_a_run_that_was_killed_is_no_record_and_no_tear()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "j");
        var identity = Identity(folder.Path, path);
        using (var journal = BatchJournal.Open(path, identity, _ => { }))
        {
            journal.Append(Record(JournalRecord.Creating, "a"));
        }

        var closed = File.ReadAllBytes(path);
        Assert.Equal((byte)'\n', closed[^1]);

        // A killed run leaves the zeros it wrote ahead of its records.
        File.AppendAllText(path, new string('\0', 4096));
        var warnings = new List<string>();
        using (var journal = BatchJournal.Open(path, identity, warnings.Add))
        {
            Assert.True(journal.Find("a")!.CreateInDoubt);
            journal.Append(Record(JournalRecord.Created, "a", "video_1"));
        }

        Assert.Empty(warnings);
        var text = File.ReadAllText(path);
        Assert.DoesNotContain('\0', text);
        Assert.Equal(3, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void A_complete_but_unterminated_last_record_is_torn_too_since_its_step_was_never_taken()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "j");
        var identity = Identity(folder.Path, path);
        using (BatchJournal.Open(path, identity, _ => { }))
        {
        }

        File.AppendAllText(path, "{\"type\":\"creating\",\"key\":\"b\",\"at\":\"2026-12-01T00:00:00+00:00\"}");
        var warnings = new List<string>();

        using var journal = BatchJournal.Open(path, identity, warnings.Add);

        Assert.Single(warnings);
        Assert.Null(journal.Find("b"));
    }

    [Fact]
    public void A_damaged_record_in_the_middle_stops_the_batch_before_anything_is_written()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "j");
        var identity = Identity(folder.Path, path);
        using (var journal = BatchJournal.Open(path, identity, _ => { }))
        {
            journal.Append(Record(JournalRecord.Creating, "a"));
        }

        var lines = File.ReadAllLines(path).ToList();
        lines.Insert(1, "{\"type\":\"creat");
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        var before = File.ReadAllBytes(path);

        var error = Assert.Throws<SoraJournalException>(() => BatchJournal.Open(path, identity, _ => { }));

        Assert.Equal(SoraJournalProblem.Corrupt, error.Problem);
        Assert.Contains("Record 2 of the journal", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void A_journal_of_another_output_folder_shard_or_server_is_refused_with_what_to_do()
    {
        using var folder = new TempFolder();
        var output = Path.Combine(folder.Path, "out");
        var path = Path.Combine(folder.Path, "shared.journal");
        using (BatchJournal.Open(path, Identity(output, path, BatchShard.Parse("2/8")), _ => { }))
        {
        }

        var before = File.ReadAllBytes(path);
        var otherFolder = Assert.Throws<SoraJournalException>(() => BatchJournal.Open(path, Identity(Path.Combine(folder.Path, "elsewhere"), path, BatchShard.Parse("2/8")), _ => { }));
        var otherShard = Assert.Throws<SoraJournalException>(() => BatchJournal.Open(path, Identity(output, path, BatchShard.Parse("3/8")), _ => { }));
        var noShard = Assert.Throws<SoraJournalException>(() => BatchJournal.Open(path, Identity(output, path), _ => { }));
        var otherServer = Assert.Throws<SoraJournalException>(() => BatchJournal.Open(path, Identity(output, path, BatchShard.Parse("2/8"), new Uri("https://gateway.example.com/v1/")), _ => { }));

        Assert.All([otherFolder, otherShard, noShard, otherServer], e => Assert.Equal(SoraJournalProblem.OtherBatch, e.Problem));
        Assert.Contains($"Run it with -OutputPath '{output}'", otherFolder.Message, StringComparison.Ordinal);
        Assert.Contains("belongs to shard 2/8, not to shard 3/8", otherShard.Message, StringComparison.Ordinal);
        Assert.Contains("not to a batch without -Shard", noShard.Message, StringComparison.Ordinal);
        Assert.Contains("were made on http://127.0.0.1:5080/v1/, but the connection in effect is to https://gateway.example.com/v1/", otherServer.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void An_output_folder_moved_together_with_its_journal_is_still_the_same_batch()
    {
        using var folder = new TempFolder();
        var first = Path.Combine(folder.Path, "first");
        var moved = Path.Combine(folder.Path, "moved");
        using (var journal = BatchJournal.Open(Path.Combine(first, "SoraBatch.journal"), Identity(first, Path.Combine(first, "SoraBatch.journal")), _ => { }))
        {
            journal.Append(Record(JournalRecord.Created, "a", "video_1"));
        }

        Directory.Move(first, moved);
        var path = Path.Combine(moved, "SoraBatch.journal");

        using var reopened = BatchJournal.Open(path, Identity(moved, path), _ => { });

        Assert.Equal("video_1", reopened.Find("a")!.VideoId);
    }

    [Fact]
    public void A_second_batch_in_this_process_cannot_open_a_journal_in_use()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "j");
        var identity = Identity(folder.Path, path);
        using var first = BatchJournal.Open(path, identity, _ => { });

        var second = Assert.Throws<SoraJournalException>(() => BatchJournal.Open(path, identity, _ => { }));
        var peek = Assert.Throws<SoraJournalException>(() => BatchJournal.Peek(path, identity));

        Assert.Equal(SoraJournalProblem.InUse, second.Problem);
        Assert.Equal(SoraJournalProblem.InUse, peek.Problem);
        Assert.Contains("is in use by another batch", second.Message, StringComparison.Ordinal);
        first.Append(Record(JournalRecord.Creating, "still-mine"));
    }

    [Fact]
    public void Reading_the_journal_elsewhere_in_the_process_does_not_release_the_lock()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "j");
        var identity = Identity(folder.Path, path);
        using var first = BatchJournal.Open(path, identity, _ => { });

        // fcntl record locks would be dropped by closing any other handle to the file; this lock is not.
        Assert.ThrowsAny<IOException>(() => File.ReadAllText(path));

        Assert.Equal(SoraJournalProblem.InUse, Assert.Throws<SoraJournalException>(() => BatchJournal.Open(path, identity, _ => { })).Problem);
    }

    [Fact]
    public void The_lock_ends_with_the_batch()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "j");
        var identity = Identity(folder.Path, path);
        BatchJournal.Open(path, identity, _ => { }).Dispose();

        using var again = BatchJournal.Open(path, identity, _ => { });

        Assert.False(again.IsNew);
    }

    [Fact]
    public void The_journal_never_holds_the_servers_user_name_password_or_query()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "j");
        using (BatchJournal.Open(path, Identity(folder.Path, path, null, new Uri("https://user:secret-pass@gateway.example.com/v1/?api-key=sk-secret")), _ => { }))
        {
        }

        var text = File.ReadAllText(path, Encoding.UTF8);

        Assert.Contains("\"server\":\"https://gateway.example.com/v1/\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_journal_is_refused()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "prompts.csv");
        File.WriteAllText(path, "{\"type\":\"created\",\"key\":\"a\",\"at\":\"2026-12-01T00:00:00+00:00\"}\n{\"type\":\"created\",\"key\":\"b\",\"at\":\"2026-12-01T00:00:00+00:00\"}\n");

        var error = Assert.Throws<SoraJournalException>(() => BatchJournal.Open(path, Identity(folder.Path, path), _ => { }));

        Assert.Contains("is not a SoraPS batch journal", error.Message, StringComparison.Ordinal);
    }
}
