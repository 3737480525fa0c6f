using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using SoraPS.Emulator;
using SoraPS.Emulator.Tests.Support;

namespace SoraPS.Emulator.Tests;

public class GatewayModeTests
{
    [Fact]
    public async Task A_gateway_accepts_other_sizes_and_durations_and_names_running_states_its_own_way()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { Gateway = true, RenderTime = TimeSpan.FromSeconds(3) });
        using var client = Api.Client(server);

        using var created = await client.PostAsync("videos", Api.Json("""{"prompt":"A heron","model":"gemini/veo-3.1-generate-preview","size":"1920x1080","seconds":"6"}"""));
        var video = await Api.ReadJsonAsync(created);
        await Task.Delay(400);
        var running = await Api.ReadJsonAsync(await client.GetAsync($"videos/{video.GetProperty("id").GetString()}"));

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal("pending", video.GetProperty("status").GetString());
        Assert.Equal("processing", running.GetProperty("status").GetString());
        Assert.Equal("1920x1080", video.GetProperty("size").GetString());
        Assert.Equal("6", video.GetProperty("seconds").GetString());
    }

    [Theory]
    [InlineData("""{"prompt":"x","size":"big"}""", "size")]
    [InlineData("""{"prompt":"x","seconds":"0"}""", "seconds")]
    public async Task A_gateway_still_refuses_values_of_the_wrong_form(string body, string param)
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { Gateway = true });
        using var client = Api.Client(server);

        using var response = await client.PostAsync("videos", Api.Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, (await Api.ReadJsonAsync(response)).GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task Without_gateway_mode_only_the_contracts_values_are_accepted()
    {
        await using var server = await EmulatorServer.StartAsync();
        using var client = Api.Client(server);

        using var response = await client.PostAsync("videos", Api.Json("""{"prompt":"x","size":"1920x1080"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_required_header_must_be_present_with_its_value()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { RequiredHeaders = new Dictionary<string, string> { ["x-route"] = "veo" } });
        using var client = Api.Client(server);

        using var missing = await client.GetAsync("videos");
        using var wrong = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "videos") { Headers = { { "x-route", "runway" } } });
        using var right = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "videos") { Headers = { { "x-route", "veo" } } });

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal("missing_required_header", (await Api.ReadJsonAsync(missing)).GetProperty("error").GetProperty("code").GetString());
    }
}
