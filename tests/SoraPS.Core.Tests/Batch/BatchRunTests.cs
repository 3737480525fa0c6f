using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using SoraPS.Emulator;

namespace SoraPS.Core.Tests.Batch;

/// <summary>Batches against the emulator over real HTTP, with files and journals on a real disk.</summary>
public class BatchRunTests
{
    private static readonly TimeSpan Quick = TimeSpan.FromMilliseconds(50);

    private static BatchSettings Settings(string output, int throttle = 4, TimeSpan? timeout = null, bool retryUnknown = false, IReadOnlyList<VideoVariant>? variants = null) => new()
    {
        OutputPath = output,
        ThrottleLimit = throttle,
        PollInterval = Quick,
        Timeout = timeout ?? TimeSpan.FromSeconds(60),
        RetryUnknown = retryUnknown,
        Variants = variants ?? [VideoVariant.Video],
        LostAnswerGrace = TimeSpan.FromMilliseconds(100),
    };

    private static List<BatchRow> Rows(int count, string suffix = "#render=0.3") =>
        Enumerable.Range(1, count).Select(i => new BatchRow(i, $"Clip {i} {suffix}")).ToList();

    private static async Task<(IReadOnlyList<SoraBatchResult> Results, Observer Observer, List<string> Warnings)> RunAsync(
        TestEmulator emulator, IReadOnlyList<BatchRow> rows, BatchSettings settings, CancellationToken cancellationToken = default)
    {
        var observer = new Observer();
        var warnings = new List<string>();
        using var batch = SoraBatch.Prepare(rows, settings);
        batch.Open(emulator.Server.BaseUri, warnings.Add);
        var results = await batch.RunAsync(emulator.Client, observer, null, cancellationToken);
        return (results, observer, warnings);
    }

    private static async Task<byte[]> ServerContentAsync(TestEmulator emulator, string id, string variant = "video")
    {
        using var http = new HttpClient();
        return await http.GetByteArrayAsync(new Uri(emulator.Server.BaseUri, $"videos/{id}/content?variant={variant}"));
    }

    [Fact]
    public async Task Every_row_ends_with_its_job_and_its_files_and_a_rerun_reports_them_as_they_were_and_does_nothing()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var folder = new TempFolder();
        var rows = Rows(8);
        var settings = Settings(folder.Path, throttle: 3, variants: [VideoVariant.Video, VideoVariant.Thumbnail]);

        var (first, observer, _) = await RunAsync(emulator, rows, settings);

        Assert.Equal(8, first.Count);
        Assert.Equal(8, observer.Ended.Count);
        Assert.Equal(8, emulator.Server.JobsCreated);
        Assert.All(first, r =>
        {
            Assert.True(r.Succeeded, r.Error);
            Assert.Equal("completed", r.Status);
            Assert.Equal(2, r.Files.Length);
            Assert.True(r.StartedAt <= r.EndedAt);
        });
        foreach (var result in first)
        {
            Assert.Equal(await ServerContentAsync(emulator, result.VideoId!), await File.ReadAllBytesAsync(result.Files[0].FullName));
            Assert.Equal(await ServerContentAsync(emulator, result.VideoId!, "thumbnail"), await File.ReadAllBytesAsync(result.Files[1].FullName));
        }

        Assert.InRange(observer.MostUnfinished, 1, 3);
        Assert.InRange(emulator.Server.Stats.MaxUnfinished, 2, 3);
        emulator.Server.ClearRequests();

        var (again, _, warnings) = await RunAsync(emulator, rows, settings);

        Assert.Empty(warnings);
        Assert.Empty(emulator.Server.Requests);
        Assert.Equal(8, emulator.Server.JobsCreated);
        Assert.Equal(first.Select(Describe), again.Select(Describe));
    }

    [Fact]
    public async Task A_failed_job_ends_its_row_with_the_servers_reason_and_the_batch_goes_on()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var folder = new TempFolder();
        var rows = new List<BatchRow>
        {
            new(1, "Fine #render=0.2"),
            new(2, "Blocked #moderation_blocked #render=0.2"),
            new(3, "Also fine #render=0.2"),
        };

        var (results, _, _) = await RunAsync(emulator, rows, Settings(folder.Path, throttle: 1));

        var blocked = results.Single(r => r.Row == 2);
        Assert.Equal("failed", blocked.Status);
        Assert.Equal("moderation_blocked", blocked.ErrorCode);
        Assert.StartsWith("The job failed: moderation_blocked: ", blocked.Error, StringComparison.Ordinal);
        Assert.Empty(blocked.Files);
        Assert.All(results.Where(r => r.Row != 2), r => Assert.True(r.Succeeded));
    }

    [Fact]
    public async Task A_busy_server_slows_the_creates_as_it_asks_instead_of_failing_rows()
    {
        await using var emulator = await TestEmulator.StartAsync(maxRetries: 0);
        using var folder = new TempFolder();
        emulator.Server.Faults.Add(new Fault("POST", "/v1/videos") { Status = 429, Count = 2, Headers = new Dictionary<string, string> { ["Retry-After"] = "1" } });
        var (results, _, _) = await RunAsync(emulator, Rows(3, "#render=0.1"), Settings(folder.Path));

        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
        Assert.Equal(3, emulator.Server.JobsCreated);
        Assert.Equal(5, emulator.Server.Requests.Count(r => r.Method == "POST"));
        Assert.Contains(emulator.Log.Messages, m => m.Contains("the server is busy (429); creates pause for 1 s", StringComparison.Ordinal));
        // Two pauses of the second the server asked for, one after the other, before the second row's turn.
        var apart = results.Single(r => r.Row == 2).StartedAt!.Value - results.Single(r => r.Row == 1).StartedAt!.Value;
        Assert.True(apart >= TimeSpan.FromSeconds(1.9), $"the second row started {apart} after the first");
    }

    [Fact]
    public async Task A_create_whose_answer_is_lost_is_found_on_the_server_and_never_created_twice()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var folder = new TempFolder();
        emulator.Server.Faults.Add(new Fault("POST", "/v1/videos") { Kind = FaultKind.ResetMidBody, AfterBytes = 10 });

        var (results, _, _) = await RunAsync(emulator, Rows(3), Settings(folder.Path, throttle: 1));

        Assert.Equal(3, emulator.Server.JobsCreated);
        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
        var adopted = Assert.Single(results, r => r.Adopted);
        Assert.Equal(1, adopted.Row);
    }

    [Fact]
    public async Task A_lost_create_that_cannot_be_looked_for_is_unknown_and_created_again_only_with_RetryUnknown()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var folder = new TempFolder();
        var rows = Rows(2);
        emulator.Server.Faults.Add(new Fault("POST", "/v1/videos") { Kind = FaultKind.ResetMidBody, AfterBytes = 10 });
        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos") { Status = 500, Count = 3 });

        var (first, _, _) = await RunAsync(emulator, rows, Settings(folder.Path, throttle: 1));

        var unknown = first.Single(r => r.Row == 1);
        Assert.Equal(BatchStatus.Unknown, unknown.Status);
        Assert.Contains("could not be looked for: the server's job list could not be read", unknown.Error, StringComparison.Ordinal);
        Assert.Contains("-RetryUnknown", unknown.Error, StringComparison.Ordinal);
        Assert.True(first.Single(r => r.Row == 2).Succeeded);
        Assert.Equal(2, emulator.Server.JobsCreated);

        // Run again: the list now answers, and the lost job is found.
        var (found, _, _) = await RunAsync(emulator, rows, Settings(folder.Path, throttle: 1));
        Assert.True(found.Single(r => r.Row == 1).Adopted);
        Assert.True(found.Single(r => r.Row == 1).Succeeded);
        Assert.Equal(2, emulator.Server.JobsCreated);
    }

    [Theory]
    [InlineData(EmulatorProfile.LiteLlmOpenAi, "does not show prompts")]
    [InlineData(EmulatorProfile.LiteLlmGemini, "the server's job list could not be read")]
    public async Task On_a_gateway_that_cannot_show_the_lost_job_the_row_is_unknown_and_never_created_twice(EmulatorProfile profile, string reason)
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.Profile = profile);
        using var folder = new TempFolder();
        var rows = new List<BatchRow> { new(1, "Lost #render=0.2"), new(2, "Fine #render=0.2") };
        emulator.Server.Faults.Add(new Fault("POST", "/v1/videos") { Kind = FaultKind.ResetMidBody, AfterBytes = 10 });

        var (first, _, _) = await RunAsync(emulator, rows, Settings(folder.Path, throttle: 1));
        var (again, _, _) = await RunAsync(emulator, rows, Settings(folder.Path, throttle: 1));

        Assert.All([first.Single(r => r.Row == 1), again.Single(r => r.Row == 1)], lost =>
        {
            Assert.Equal(BatchStatus.Unknown, lost.Status);
            Assert.Contains(reason, lost.Error, StringComparison.Ordinal);
        });
        Assert.True(again.Single(r => r.Row == 2).Succeeded, again.Single(r => r.Row == 2).Error);
        Assert.Equal(2, emulator.Server.JobsCreated);
    }

    [Fact]
    public async Task RetryUnknown_creates_a_lost_row_again_when_its_job_is_not_on_the_server()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var folder = new TempFolder();
        emulator.Server.Faults.Add(new Fault("POST", "/v1/videos") { Kind = FaultKind.ResetBeforeHeaders });

        var (results, _, _) = await RunAsync(emulator, Rows(1), Settings(folder.Path, retryUnknown: true));

        // The reset came before the server made anything: nothing to find, so one job made on the second try.
        Assert.True(results.Single().Succeeded, results.Single().Error);
        Assert.False(results.Single().Adopted);
        Assert.Equal(1, emulator.Server.JobsCreated);
        Assert.Equal(2, emulator.Server.Requests.Count(r => r.Method == "POST"));
    }

    [Fact]
    public async Task A_refused_create_bills_nothing_and_is_tried_again_by_the_next_run()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var folder = new TempFolder();
        var rows = new List<BatchRow> { new(1, "Refused #render=0.1") };
        emulator.Server.Faults.Add(new Fault("POST", "/v1/videos") { Status = 400, Body = """{"error":{"message":"Bad seconds.","type":"invalid_request_error","param":"seconds","code":"invalid_value"}}""" });

        var (first, _, _) = await RunAsync(emulator, rows, Settings(folder.Path));
        var (second, _, _) = await RunAsync(emulator, rows, Settings(folder.Path));

        Assert.Equal(BatchStatus.Refused, first.Single().Status);
        Assert.Equal("invalid_value", first.Single().ErrorCode);
        Assert.Contains("Bad seconds.", first.Single().Error, StringComparison.Ordinal);
        Assert.True(second.Single().Succeeded);
        Assert.Equal(1, emulator.Server.JobsCreated);
    }

    [Fact]
    public async Task A_broken_download_ends_its_row_with_the_error_and_the_next_run_continues_it()
    {
        await using var emulator = await TestEmulator.StartAsync(maxRetries: 0);
        using var folder = new TempFolder();
        var rows = new List<BatchRow> { new(1, $"Big #render=0.1 #bytes={3 * 1024 * 1024}"), new(2, "Small #render=0.1") };
        emulator.Server.Faults.Add(new Fault("GET", "/v1/videos/*/content") { Kind = FaultKind.ResetMidBody, AfterBytes = 1024 * 1024 });

        var (first, _, _) = await RunAsync(emulator, rows, Settings(folder.Path, throttle: 1));
        var broken = first.Single(r => !r.Succeeded);
        Assert.Equal("completed", broken.Status);
        Assert.Contains("The download of", broken.Error, StringComparison.Ordinal);
        Assert.Single(first, r => r.Succeeded);
        emulator.Server.ClearRequests();

        var (second, _, _) = await RunAsync(emulator, rows, Settings(folder.Path, throttle: 1));

        // Only the rest of the broken download was asked for.
        var request = Assert.Single(emulator.Server.Requests);
        Assert.StartsWith("bytes=", request.Headers["Range"], StringComparison.Ordinal);
        var mended = second.Single(r => r.Row == broken.Row);
        Assert.True(mended.Succeeded, mended.Error);
        Assert.Equal(await ServerContentAsync(emulator, mended.VideoId!), await File.ReadAllBytesAsync(mended.Files.Single().FullName));
        Assert.Equal(2, emulator.Server.JobsCreated);
    }

    [Fact]
    public async Task When_the_time_is_up_running_jobs_and_rows_not_started_are_reported_and_the_next_run_goes_on()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var folder = new TempFolder();
        var rows = new List<BatchRow> { new(1, "Slow #render=3"), new(2, "Next #render=0.1") };

        var (first, _, _) = await RunAsync(emulator, rows, Settings(folder.Path, throttle: 1, timeout: TimeSpan.FromSeconds(1)));

        Assert.Contains(first.Single(r => r.Row == 1).Status, new[] { "queued", "in_progress" });
        Assert.Contains("ran out while the job", first.Single(r => r.Row == 1).Error, StringComparison.Ordinal);
        Assert.Equal(BatchStatus.NotStarted, first.Single(r => r.Row == 2).Status);
        Assert.Null(first.Single(r => r.Row == 2).VideoId);

        var (second, _, _) = await RunAsync(emulator, rows, Settings(folder.Path, throttle: 1));

        Assert.All(second, r => Assert.True(r.Succeeded, r.Error));
        Assert.Equal(first.Single(r => r.Row == 1).VideoId, second.Single(r => r.Row == 1).VideoId);
        Assert.Equal(2, emulator.Server.JobsCreated);
    }

    [Fact]
    public async Task A_stopped_batch_throws_and_leaves_a_journal_that_the_next_run_continues()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var folder = new TempFolder();
        var rows = Rows(4, "#render=1");
        using var stop = new CancellationTokenSource();
        var observer = new Observer();
        using (var batch = SoraBatch.Prepare(rows, Settings(folder.Path, throttle: 2)))
        {
            batch.Open(emulator.Server.BaseUri, _ => { });
            var running = batch.RunAsync(emulator.Client, observer, null, stop.Token);
            await Task.Delay(500);
            stop.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        }

        Assert.Empty(observer.Ended);
        var (results, _, warnings) = await RunAsync(emulator, rows, Settings(folder.Path, throttle: 2));

        Assert.Empty(warnings);
        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
        Assert.Equal(4, emulator.Server.JobsCreated);
    }

    [Fact]
    public async Task A_refused_key_stops_the_whole_batch_after_one_create()
    {
        await using var emulator = await TestEmulator.StartAsync(configure: o => o.ApiKey = "sk-right", apiKey: "sk-wrong");
        using var folder = new TempFolder();

        var error = await Assert.ThrowsAsync<SoraApiException>(() => RunAsync(emulator, Rows(3), Settings(folder.Path)));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Single(emulator.Server.Requests);
        Assert.DoesNotContain("sk-", File.ReadAllText(Path.Combine(folder.Path, BatchSettings.JournalFileName)), StringComparison.Ordinal);
    }

    private static string Describe(SoraBatchResult r) =>
        string.Join("|", r.Row, r.Key, r.VideoId, r.Status, r.Error, r.StartedAt?.ToString("O"), r.EndedAt?.ToString("O"),
            string.Join(",", r.Files.Select(f => f.FullName + ":" + f.Length)), r.Model, r.Seconds, r.Size, r.Adopted);

    private sealed class Observer : IBatchObserver
    {
        public ConcurrentQueue<SoraBatchResult> Ended { get; } = new();

        public int MostUnfinished { get; private set; }

        public void RowEnded(SoraBatchResult result) => Ended.Enqueue(result);

        public void Progress(BatchProgress progress)
        {
            lock (Ended)
            {
                MostUnfinished = Math.Max(MostUnfinished, progress.Unfinished);
            }
        }
    }
}
