using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using SoraPS.Emulator.Tests.Support;

namespace SoraPS.Emulator.Tests;

public sealed class ListTests
{
    [Theory]
    [InlineData("asc")]
    [InlineData("desc")]
    public async Task Pages_walk_every_job_once_in_creation_order(string order)
    {
        await using var server = await Api.StartAsync(seed: 25);
        using var client = Api.Client(server);
        var expected = order == "asc" ? server.JobIds.ToList() : server.JobIds.Reverse().ToList();

        var seen = new List<string>();
        string? after = null;
        var pages = 0;
        while (true)
        {
            var list = await Api.SendAsync(client, HttpMethod.Get, $"videos?limit=10&order={order}" + (after is null ? "" : "&after=" + after));
            Assert.Equal("list", list.GetProperty("object").GetString());
            var ids = Api.Ids(list).ToList();
            Assert.Equal(ids[0], list.GetProperty("first_id").GetString());
            Assert.Equal(ids[^1], list.GetProperty("last_id").GetString());
            seen.AddRange(ids);
            pages++;
            if (!list.GetProperty("has_more").GetBoolean())
            {
                break;
            }

            after = list.GetProperty("last_id").GetString();
        }

        Assert.Equal(3, pages);
        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task Default_is_twenty_newest_first()
    {
        await using var server = await Api.StartAsync(seed: 30);
        using var client = Api.Client(server);

        var list = await Api.SendAsync(client, HttpMethod.Get, "videos");

        Assert.Equal(server.JobIds.Reverse().Take(20), Api.Ids(list));
        Assert.True(list.GetProperty("has_more").GetBoolean());
        Api.AssertVideo(list.GetProperty("data")[0]);
    }

    [Fact]
    public async Task Empty_list_has_null_cursors()
    {
        await using var server = await Api.StartAsync();
        using var client = Api.Client(server);

        var list = await Api.SendAsync(client, HttpMethod.Get, "videos");

        Assert.Equal(0, list.GetProperty("data").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, list.GetProperty("first_id").ValueKind);
        Assert.Equal(JsonValueKind.Null, list.GetProperty("last_id").ValueKind);
        Assert.False(list.GetProperty("has_more").GetBoolean());
    }

    [Fact]
    public async Task A_deleted_job_still_works_as_a_cursor()
    {
        await using var server = await Api.StartAsync(seed: 5);
        using var client = Api.Client(server);
        var ids = server.JobIds.ToList();
        await Api.SendAsync(client, HttpMethod.Delete, "videos/" + ids[1]);

        var list = await Api.SendAsync(client, HttpMethod.Get, $"videos?order=asc&after={ids[1]}");

        Assert.Equal(ids.Skip(2), Api.Ids(list));
    }

    [Theory]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=-1", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("order=newest", "order")]
    [InlineData("after=video_unknown", "after")]
    public async Task Bad_query_values_are_rejected(string query, string param)
    {
        await using var server = await Api.StartAsync(seed: 2);
        using var client = Api.Client(server);

        var body = await Api.SendAsync(client, HttpMethod.Get, "videos?" + query, status: 400);

        Api.AssertError(body, param, "invalid_value");
    }

    [Fact]
    public async Task Ten_thousand_seeded_jobs_page_quickly()
    {
        await using var server = await Api.StartAsync(seed: 10_000);
        using var client = Api.Client(server);

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        string? after = null;
        var count = 0;
        for (var page = 0; page < 100; page++)
        {
            var list = await Api.SendAsync(client, HttpMethod.Get, "videos?limit=100" + (after is null ? "" : "&after=" + after));
            count += list.GetProperty("data").GetArrayLength();
            after = list.GetProperty("last_id").GetString();
        }

        Assert.Equal(10_000, count);
        Assert.True(stopwatch.Elapsed < System.TimeSpan.FromSeconds(10), $"took {stopwatch.Elapsed}");
    }
}
