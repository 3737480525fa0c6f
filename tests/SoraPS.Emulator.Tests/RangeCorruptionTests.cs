using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.Tasks;
using SoraPS.Emulator.Tests.Support;

namespace SoraPS.Emulator.Tests;

public sealed class RangeCorruptionTests
{
    private const string ContentPattern = "/v1/videos/*/content";

    [Fact]
    public async Task Reencode_sends_the_range_decoded_and_encoded_as_UTF8_chunked_under_the_original_Content_Range()
    {
        await using var server = await Api.StartAsync(seed: 1);
        using var client = Api.Client(server);
        var path = $"videos/{server.JobIds.Single()}/content";
        var whole = await client.GetByteArrayAsync(path);
        server.Faults.Add(new Fault("GET", ContentPattern) { Kind = FaultKind.CorruptRange, RangeCorruption = RangeCorruption.Reencode });

        using var withoutRange = await client.GetAsync(path);
        using var corrupted = await GetRangeAsync(client, path, 100, 4195);
        var body = await corrupted.Content.ReadAsByteArrayAsync();
        using var clean = await GetRangeAsync(client, path, 100, 4195);

        Assert.Equal(whole, await withoutRange.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.PartialContent, corrupted.StatusCode);
        Assert.Equal($"bytes 100-4195/{whole.Length}", corrupted.Content.Headers.ContentRange!.ToString());
        // NonValidated: ContentLength would report the length of the body read.
        Assert.False(corrupted.Content.Headers.NonValidated.Contains("Content-Length"));
        Assert.True(corrupted.Headers.TransferEncodingChunked);
        Assert.Equal(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(whole, 100, 4096)), body);
        Assert.True(body.Length > 4096, $"the re-encoded body should be longer than the range, was {body.Length}");
        Assert.Equal(whole[100..4196], await clean.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData(1000, 1999, 900)]
    [InlineData(50, 149, 0)]
    [InlineData(0, 99, 100)]
    public async Task WrongStart_serves_another_range_of_the_asked_length_labelled_truthfully(long from, long to, long servedFrom)
    {
        await using var server = await Api.StartAsync(seed: 1);
        using var client = Api.Client(server);
        var path = $"videos/{server.JobIds.Single()}/content";
        var whole = await client.GetByteArrayAsync(path);
        server.Faults.Add(new Fault("GET", ContentPattern) { Kind = FaultKind.CorruptRange, RangeCorruption = RangeCorruption.WrongStart });

        using var response = await GetRangeAsync(client, path, from, to);
        var body = await response.Content.ReadAsByteArrayAsync();

        var servedTo = servedFrom + (to - from);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal($"bytes {servedFrom}-{servedTo}/{whole.Length}", response.Content.Headers.ContentRange!.ToString());
        Assert.Equal(whole[(int)servedFrom..(int)(servedTo + 1)], body);
    }

    [Fact]
    public async Task WrongTotal_names_a_total_above_the_real_length()
    {
        await using var server = await Api.StartAsync(seed: 1);
        using var client = Api.Client(server);
        var path = $"videos/{server.JobIds.Single()}/content";
        var whole = await client.GetByteArrayAsync(path);
        server.Faults.Add(new Fault("GET", ContentPattern) { Kind = FaultKind.CorruptRange, RangeCorruption = RangeCorruption.WrongTotal });

        using var response = await GetRangeAsync(client, path, 100, 199);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal($"bytes 100-199/{whole.Length + 1000}", response.Content.Headers.ContentRange!.ToString());
        Assert.Equal(100, response.Content.Headers.ContentLength);
        Assert.Equal(whole[100..200], await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task An_answer_that_is_not_a_206_passes_untouched_and_leaves_the_fault_armed()
    {
        await using var server = await Api.StartAsync(seed: 1);
        using var client = Api.Client(server);
        var done = $"videos/{server.JobIds.Single()}/content";
        var running = (await Api.CreateAsync(client, "Not yet #render=60")).GetProperty("id").GetString()!;
        var whole = await client.GetByteArrayAsync(done);
        server.Faults.Add(new Fault("GET", ContentPattern) { Kind = FaultKind.CorruptRange, RangeCorruption = RangeCorruption.WrongTotal });

        using var notReady = await GetRangeAsync(client, $"videos/{running}/content", 0, 99);
        using var staleRequest = new HttpRequestMessage(HttpMethod.Get, done);
        staleRequest.Headers.Range = new RangeHeaderValue(100, 199);
        staleRequest.Headers.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue("\"changed\""));
        using var stale = await client.SendAsync(staleRequest);
        using var unsatisfiable = await GetRangeAsync(client, done, whole.Length + 10, null);
        using var corrupted = await GetRangeAsync(client, done, 100, 199);

        Assert.Equal(HttpStatusCode.BadRequest, notReady.StatusCode);
        Api.AssertError(await Api.ReadJsonAsync(notReady), null, "video_not_ready");
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Equal(whole, await stale.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, unsatisfiable.StatusCode);
        Assert.Equal(whole.Length + 1000, corrupted.Content.Headers.ContentRange!.Length);
    }

    [Fact]
    public async Task The_control_route_arms_it_by_name()
    {
        await using var server = await Api.StartAsync(seed: 1);
        using var client = Api.Client(server);
        using var control = new HttpClient { BaseAddress = server.RootUri };
        var path = $"videos/{server.JobIds.Single()}/content";
        var whole = await client.GetByteArrayAsync(path);

        using var armed = await control.PostAsync("_emulator/faults", Api.Json(
            """{"method":"GET","pathPattern":"/v1/videos/*/content","kind":"corruptRange","rangeCorruption":"wrongStart","count":2}"""));
        using var first = await GetRangeAsync(client, path, 500, 599);
        using var second = await GetRangeAsync(client, path, 500, 599);
        using var third = await GetRangeAsync(client, path, 500, 599);

        Assert.Equal(HttpStatusCode.NoContent, armed.StatusCode);
        Assert.Equal(400, first.Content.Headers.ContentRange!.From);
        Assert.Equal(400, second.Content.Headers.ContentRange!.From);
        Assert.Equal(500, third.Content.Headers.ContentRange!.From);
        Assert.Equal(whole[500..600], await third.Content.ReadAsByteArrayAsync());
    }

    private static async Task<HttpResponseMessage> GetRangeAsync(HttpClient client, string path, long? from, long? to)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Range = new RangeHeaderValue(from, to);
        return await client.SendAsync(request);
    }
}
