using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Threading.Tasks;

namespace SoraPS.Core.Tests;

public class CreateVideoTests
{
    private static readonly byte[] TinyPng = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    [Fact]
    public async Task Create_sends_multipart_with_quoted_names_and_returns_the_queued_job()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var video = await emulator.Client.CreateVideoAsync(new CreateVideoRequest("A calico cat playing a piano") { Model = "sora-2", Seconds = "8", Size = "1280x720" });

        Assert.StartsWith("video_", video.Id);
        Assert.Equal("sora-2", video.Model);
        Assert.Equal("8", video.Seconds);
        Assert.Equal("1280x720", video.Size);
        Assert.False(video.IsFinished);
        Assert.Equal(TimeSpan.Zero, video.CreatedAt!.Value.Offset);
        var request = Assert.Single(emulator.Server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/videos", request.Path);
        Assert.Equal(new string?[] { "prompt", "model", "seconds", "size" }, request.Parts.Select(p => p.Name).ToArray());
        Assert.All(request.Parts, p => Assert.Contains($"name=\"{p.Name}\"", p.ContentDisposition, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Create_leaves_unset_fields_to_the_server()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var video = await emulator.Client.CreateVideoAsync(new CreateVideoRequest("A fox in snow") { Model = " ", Size = "" });

        Assert.Equal(new string?[] { "prompt" }, emulator.Server.Requests.Single().Parts.Select(p => p.Name).ToArray());
        Assert.Equal("sora-2", video.Model);
        Assert.Equal("4", video.Seconds);
    }

    [Fact]
    public async Task An_image_reference_is_uploaded_as_a_file_part_with_its_own_content_type()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var folder = new TempFolder();
        var image = Path.Combine(folder.Path, "first frame.png");
        await File.WriteAllBytesAsync(image, TinyPng);

        await emulator.Client.CreateVideoAsync(new CreateVideoRequest("Animate this") { InputReferencePath = image });

        var part = emulator.Server.Requests.Single().Parts.Single(p => p.Name == "input_reference");
        Assert.Equal("image/png", part.ContentType);
        Assert.Equal("first frame.png", part.FileName);
        Assert.Contains("filename=\"first frame.png\"", part.ContentDisposition, StringComparison.Ordinal);
        Assert.Equal(TinyPng.Length, part.Length);
    }

    [Theory]
    [InlineData("https://example.com/frame.png", "image_url")]
    [InlineData("data:image/png;base64,iVBORw0KGgo=", "image_url")]
    public async Task A_reference_url_goes_in_a_json_body(string url, string field)
    {
        await using var emulator = await TestEmulator.StartAsync();

        await emulator.Client.CreateVideoAsync(new CreateVideoRequest("From a URL") { InputReferenceUri = url, Seconds = "4" });

        var request = emulator.Server.Requests.Single();
        using var body = JsonDocument.Parse(request.JsonBody!);
        var reference = body.RootElement.GetProperty("input_reference");
        Assert.Equal(url, reference.GetProperty(field).GetString());
        Assert.False(reference.TryGetProperty("file_id", out _));
        Assert.Equal("4", body.RootElement.GetProperty("seconds").GetString());
    }

    [Fact]
    public async Task A_file_id_reference_goes_in_a_json_body()
    {
        await using var emulator = await TestEmulator.StartAsync();

        await emulator.Client.CreateVideoAsync(new CreateVideoRequest("From a file") { InputReferenceFileId = "file-123" });

        using var body = JsonDocument.Parse(emulator.Server.Requests.Single().JsonBody!);
        var reference = body.RootElement.GetProperty("input_reference");
        Assert.Equal("file-123", reference.GetProperty("file_id").GetString());
        Assert.False(reference.TryGetProperty("image_url", out _));
    }

    public static TheoryData<CreateVideoRequest, string> BadRequests() => new()
    {
        { new CreateVideoRequest("   "), "prompt is empty" },
        { new CreateVideoRequest(new string('x', 32001)), "at most 32000" },
        { new CreateVideoRequest("ok") { Size = "big" }, "WIDTHxHEIGHT" },
        { new CreateVideoRequest("ok") { Seconds = "-4" }, "positive whole number" },
        { new CreateVideoRequest("ok") { Seconds = "four" }, "positive whole number" },
        { new CreateVideoRequest("ok") { InputReferenceUri = "https://x/a.png", InputReferenceFileId = "file-1" }, "at most one reference" },
        { new CreateVideoRequest("ok") { InputReferenceUri = "ftp://x/a.png" }, "neither an http(s) URL" },
        { new CreateVideoRequest("ok") { InputReferencePath = "/nonexistent/sorapstest/frame.png" }, "does not exist" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_is_refused_before_anything_is_sent(CreateVideoRequest request, string expected)
    {
        await using var emulator = await TestEmulator.StartAsync();

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => emulator.Client.CreateVideoAsync(request));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Empty(emulator.Server.Requests);
    }

    [Fact]
    public async Task A_reference_that_is_not_an_image_by_its_bytes_is_refused()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var folder = new TempFolder();
        var fake = Path.Combine(folder.Path, "fake.png");
        await File.WriteAllTextAsync(fake, "not really a png");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => emulator.Client.CreateVideoAsync(new CreateVideoRequest("x") { InputReferencePath = fake }));

        Assert.Contains("not a JPEG, PNG or WebP", error.Message, StringComparison.Ordinal);
        Assert.Contains("is a folder", Assert.Throws<ArgumentException>(() => InputValidation.ReferenceImage(folder.Path)).Message, StringComparison.Ordinal);
        Assert.Empty(emulator.Server.Requests);
    }

    [Fact]
    public async Task A_server_side_validation_error_becomes_one_exception_with_the_api_fields()
    {
        await using var emulator = await TestEmulator.StartAsync();

        // The client checks form only; the emulator, like Sora, knows the sizes it renders.
        var error = await Assert.ThrowsAsync<SoraApiException>(() => emulator.Client.CreateVideoAsync(new CreateVideoRequest("x") { Size = "640x480" }));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("invalid_request_error", error.ErrorType);
        Assert.Equal("size", error.Param);
        Assert.False(string.IsNullOrEmpty(error.RequestId));
        Assert.Contains(error.RequestId!, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, emulator.Server.JobsCreated);
    }
}
