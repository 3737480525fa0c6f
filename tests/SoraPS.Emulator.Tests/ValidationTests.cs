using System.Net.Http;
using System.Threading.Tasks;
using SoraPS.Emulator.Tests.Support;

namespace SoraPS.Emulator.Tests;

public sealed class ValidationTests
{
    [Theory]
    [InlineData("""{"model":"sora-2"}""", "prompt", "missing_required_parameter")]
    [InlineData("""{"prompt":""}""", "prompt", "empty_string")]
    [InlineData("""{"prompt":42}""", "prompt", "invalid_type")]
    [InlineData("""{"prompt":"x","seconds":"5"}""", "seconds", "invalid_value")]
    [InlineData("""{"prompt":"x","seconds":8}""", "seconds", "invalid_type")]
    [InlineData("""{"prompt":"x","size":"1920x1080"}""", "size", "invalid_value")]
    [InlineData("""{"prompt":"x","model":""}""", "model", "empty_string")]
    [InlineData("""{"prompt":"x","input_reference":{}}""", "input_reference", "invalid_value")]
    [InlineData("""{"prompt":"x","input_reference":{"image_url":"https://a/b.png","file_id":"file-1"}}""", "input_reference", "invalid_value")]
    [InlineData("""{"prompt":"x","input_reference":"https://a/b.png"}""", "input_reference", "invalid_type")]
    [InlineData("""{"prompt":"x",""", null, null)]
    public async Task Json_create_rejects_bad_values(string json, string? param, string? code)
    {
        await using var server = await Api.StartAsync();
        using var client = Api.Client(server);

        var body = await Api.SendAsync(client, HttpMethod.Post, "videos", Api.Json(json), status: 400);

        Api.AssertError(body, param, code);
        Assert.Equal(0, server.JobsCreated);
    }

    [Fact]
    public async Task Prompt_longer_than_32000_characters_is_rejected()
    {
        await using var server = await Api.StartAsync();
        using var client = Api.Client(server);

        var body = await Api.SendAsync(client, HttpMethod.Post, "videos", Api.Form(("prompt", new string('a', 32001))), status: 400);

        Api.AssertError(body, "prompt", "string_above_max_length");
    }

    [Theory]
    [InlineData("image/gif")]
    [InlineData("application/octet-stream")]
    [InlineData(null)]
    public async Task Input_reference_file_needs_an_image_content_type(string? contentType)
    {
        await using var server = await Api.StartAsync();
        using var client = Api.Client(server);
        using var form = Api.Form(("prompt", "x"));
        Api.AddFile(form, "input_reference", "ref.bin", contentType);

        var body = await Api.SendAsync(client, HttpMethod.Post, "videos", form, status: 400);

        Api.AssertError(body, "input_reference", "invalid_type");
    }

    [Fact]
    public async Task Body_that_is_neither_json_nor_multipart_is_rejected()
    {
        await using var server = await Api.StartAsync();
        using var client = Api.Client(server);

        var body = await Api.SendAsync(client, HttpMethod.Post, "videos", new StringContent("prompt=x"), status: 400);

        Api.AssertError(body, null, "unsupported_content_type");
    }
}
