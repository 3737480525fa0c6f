using System;
using System.Buffers.Binary;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.Tasks;
using SoraPS.Emulator.Tests.Support;

namespace SoraPS.Emulator.Tests;

public sealed class ContentTests
{
    [Theory]
    [InlineData("", "video/mp4")]
    [InlineData("?variant=video", "video/mp4")]
    [InlineData("?variant=thumbnail", "image/webp")]
    [InlineData("?variant=spritesheet", "image/jpeg")]
    public async Task Each_variant_is_a_real_file_of_its_type(string query, string contentType)
    {
        await using var server = await Api.StartAsync(seed: 1);
        using var client = Api.Client(server);

        using var response = await client.GetAsync($"videos/{server.JobIds.Single()}/content{query}");
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
        Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
        Assert.NotNull(response.Headers.ETag);
        Assert.InRange(bytes.Length, 1000, 100_000);
        switch (contentType)
        {
            case "video/mp4":
                Assert.Equal("ftyp", Encoding.ASCII.GetString(bytes, 4, 4));
                break;
            case "image/webp":
                Assert.Equal("RIFF", Encoding.ASCII.GetString(bytes, 0, 4));
                Assert.Equal("WEBP", Encoding.ASCII.GetString(bytes, 8, 4));
                break;
            default:
                Assert.Equal([0xFF, 0xD8], bytes[..2]);
                break;
        }
    }

    [Fact]
    public async Task Range_request_answers_206_with_the_right_bytes()
    {
        await using var server = await Api.StartAsync(seed: 1);
        using var client = Api.Client(server);
        var path = $"videos/{server.JobIds.Single()}/content";
        var whole = await client.GetByteArrayAsync(path);

        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Range = new RangeHeaderValue(100, 199);
        using var response = await client.SendAsync(request);
        var part = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(whole[100..200], part);
        Assert.Equal($"bytes 100-199/{whole.Length}", response.Content.Headers.ContentRange!.ToString());
    }

    [Fact]
    public async Task Unsatisfiable_range_answers_416_and_a_stale_If_Range_answers_the_whole_file()
    {
        await using var server = await Api.StartAsync(seed: 1);
        using var client = Api.Client(server);
        var path = $"videos/{server.JobIds.Single()}/content";

        using var beyond = new HttpRequestMessage(HttpMethod.Get, path);
        beyond.Headers.Range = new RangeHeaderValue(50_000_000, null);
        using var unsatisfiable = await client.SendAsync(beyond);
        using var stale = new HttpRequestMessage(HttpMethod.Get, path);
        stale.Headers.Range = new RangeHeaderValue(10, null);
        stale.Headers.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue("\"another\""));
        using var whole = await client.SendAsync(stale);

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, unsatisfiable.StatusCode);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
    }

    [Fact]
    public async Task Bytes_trigger_gives_exactly_that_many_bytes_ending_in_a_free_box()
    {
        const int Length = 300_000;
        await using var server = await Api.StartAsync(TimeSpan.Zero);
        using var client = Api.Client(server);
        var id = (await Api.CreateAsync(client, $"Big #bytes={Length}")).GetProperty("id").GetString();

        var bytes = await client.GetByteArrayAsync($"videos/{id}/content");

        Assert.Equal(Length, bytes.Length);
        Assert.Equal("ftyp", Encoding.ASCII.GetString(bytes, 4, 4));
        var boxStart = Boxes(bytes).Last();
        Assert.Equal("free", Encoding.ASCII.GetString(bytes, boxStart + 4, 4));
        Assert.Equal(Length - boxStart, (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(boxStart)));
    }

    [Fact]
    public async Task Bytes_trigger_beyond_4_GiB_is_served_without_holding_it()
    {
        const long Length = (5L << 30) + 7;
        await using var server = await Api.StartAsync(TimeSpan.Zero);
        using var client = Api.Client(server);
        var id = (await Api.CreateAsync(client, $"Huge #bytes={Length}")).GetProperty("id").GetString();

        using var request = new HttpRequestMessage(HttpMethod.Get, $"videos/{id}/content");
        request.Headers.Range = new RangeHeaderValue(Length - 16, null);
        using var response = await client.SendAsync(request);
        var tail = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(Length, response.Content.Headers.ContentRange!.Length);
        Assert.Equal(new byte[16], tail);
    }

    [Fact]
    public async Task Content_of_an_unfinished_or_failed_job_is_refused_and_a_bad_variant_rejected()
    {
        await using var server = await Api.StartAsync(TimeSpan.FromMilliseconds(150), seed: 1);
        using var client = Api.Client(server);
        var pending = (await Api.CreateAsync(client, "Later #render=60")).GetProperty("id").GetString()!;
        var blocked = (await Api.CreateAsync(client, "#moderation_blocked")).GetProperty("id").GetString()!;

        var notReady = await Api.SendAsync(client, HttpMethod.Get, $"videos/{pending}/content", status: 400);
        await Api.WaitForAsync(client, blocked, "failed");
        var failed = await Api.SendAsync(client, HttpMethod.Get, $"videos/{blocked}/content", status: 400);
        var badVariant = await Api.SendAsync(client, HttpMethod.Get, $"videos/{server.JobIds.First()}/content?variant=gif", status: 400);

        Api.AssertError(notReady, null, "video_not_ready");
        Api.AssertError(failed, null, "video_failed");
        Api.AssertError(badVariant, "variant", "invalid_value");
    }

    [Theory]
    [InlineData("")]
    [InlineData("?variant=thumbnail")]
    public async Task Content_error_trigger_completes_but_answers_every_download_200_with_an_error_body(string query)
    {
        await using var server = await Api.StartAsync(TimeSpan.Zero);
        using var client = Api.Client(server);
        var id = (await Api.CreateAsync(client, "Broken storage #content_error")).GetProperty("id").GetString()!;
        await Api.WaitForAsync(client, id, "completed");

        using var request = new HttpRequestMessage(HttpMethod.Get, $"videos/{id}/content{query}");
        request.Headers.Range = new RangeHeaderValue(10, null);
        using var response = await client.SendAsync(request);
        var body = await Api.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("Failed to fetch video content", body.GetProperty("error").GetProperty("message").GetString());
        Api.AssertError(body, null, null, type: "server_error");
        Assert.Empty(response.Headers.AcceptRanges);
        Assert.Null(response.Headers.ETag);
    }

    [Fact]
    public async Task A_fault_can_answer_a_download_200_with_an_HTML_page()
    {
        const string Page = "<!DOCTYPE html><html><body><h1>Access denied</h1></body></html>";
        await using var server = await Api.StartAsync(seed: 1);
        using var client = Api.Client(server);
        var path = $"videos/{server.JobIds.Single()}/content";
        server.Faults.Add(new Fault("GET", "/v1/videos/*/content") { Status = 200, Body = Page, ContentType = "text/html" });

        using var faulted = await client.GetAsync(path);
        using var next = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, faulted.StatusCode);
        Assert.Equal("text/html", faulted.Content.Headers.ContentType!.MediaType);
        Assert.Equal(Page, await faulted.Content.ReadAsStringAsync());
        Assert.Equal(Encoding.UTF8.GetByteCount(Page), faulted.Content.Headers.ContentLength);
        Assert.Equal("video/mp4", next.Content.Headers.ContentType!.MediaType);
    }

    /// <summary>Offsets of the top-level MP4 boxes (32-bit sizes only).</summary>
    private static int[] Boxes(byte[] file)
    {
        var offsets = new System.Collections.Generic.List<int>();
        for (var offset = 0; offset < file.Length; offset += (int)BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(offset)))
        {
            offsets.Add(offset);
        }

        return [.. offsets];
    }
}
