using System;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading.Tasks;
using SoraPS.Emulator.Tests.Support;

namespace SoraPS.Emulator.Tests;

public sealed class AuthTests
{
    private const string Key = "sk-test-0123456789";

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer sk-wrong")]
    [InlineData("sk-test-0123456789")]
    public async Task Bearer_mode_rejects_a_missing_or_wrong_key_without_echoing_it(string? authorization)
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { ApiKey = Key });
        using var client = Api.Client(server);
        using var request = new HttpRequestMessage(HttpMethod.Get, "videos");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Api.AssertError(await Api.ReadJsonAsync(response), null, "invalid_api_key");
        Assert.DoesNotContain("sk-", text, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Bearer_mode_accepts_the_key()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { ApiKey = Key });
        using var client = Api.Client(server);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);

        using var response = await client.GetAsync("videos");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Api_key_header_mode_wants_the_raw_key_in_that_header()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { ApiKey = Key, ApiKeyHeader = "api-key" });
        using var client = new HttpClient { BaseAddress = new Uri(server.RootUri, "openai/v1/") };

        using var bearer = new HttpRequestMessage(HttpMethod.Get, "videos");
        bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        using var rejected = await client.SendAsync(bearer);
        using var raw = new HttpRequestMessage(HttpMethod.Get, "videos");
        raw.Headers.Add("api-key", Key);
        using var accepted = await client.SendAsync(raw);

        Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task Control_routes_need_no_key()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { ApiKey = Key });
        using var control = new HttpClient { BaseAddress = server.RootUri };

        using var response = await control.GetAsync("_emulator/stats");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
