using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;

namespace SoraPS.Emulator.Tests.Support;

/// <summary>Plain-HTTP helpers: the tests talk to the emulator as any client would.</summary>
internal static class Api
{
    /// <summary>The required fields of VideoResource in the contract.</summary>
    public static readonly string[] VideoRequiredFields =
    [
        "id", "object", "model", "status", "progress", "created_at", "completed_at", "expires_at",
        "prompt", "size", "seconds", "remixed_from_video_id", "error",
    ];

    public static Task<EmulatorServer> StartAsync(TimeSpan? renderTime = null, int seed = 0) =>
        StartAsync(EmulatorProfile.OpenAi, renderTime, seed);

    public static Task<EmulatorServer> StartAsync(EmulatorProfile profile, TimeSpan? renderTime = null, int seed = 0) =>
        EmulatorServer.StartAsync(new EmulatorOptions
        {
            Profile = profile,
            RenderTime = renderTime ?? TimeSpan.FromMilliseconds(300),
            SeedCompletedJobs = seed,
        });

    /// <summary>An id as a path segment: '/', '+' and '=' escaped, as clients must send LiteLLM's ids.</summary>
    public static string Escape(string id) => Uri.EscapeDataString(id);

    public static HttpClient Client(EmulatorServer server) => new() { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(20) };

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static MultipartFormDataContent Form(params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), Quote(name));
        }

        return form;
    }

    public static void AddFile(MultipartFormDataContent form, string name, string fileName, string? contentType, int length = 64)
    {
        var part = new ByteArrayContent(new byte[length]);
        if (contentType is not null)
        {
            part.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        // Set by hand: MultipartFormDataContent.Add(content, name, fileName) also writes a filename*.
        part.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = Quote(name), FileName = Quote(fileName) };
        form.Add(part);
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Sends, expects <paramref name="status"/>, returns the JSON body.</summary>
    public static async Task<JsonElement> SendAsync(HttpClient client, HttpMethod method, string path, HttpContent? content = null, int status = 200)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await client.SendAsync(request);
        var body = await ReadJsonAsync(response);
        Assert.True((int)response.StatusCode == status, $"{method} {path}: expected {status}, got {(int)response.StatusCode}: {body}");
        return body;
    }

    public static Task<JsonElement> CreateAsync(HttpClient client, string prompt) =>
        SendAsync(client, HttpMethod.Post, "videos", Json(JsonSerializer.Serialize(new { prompt })));

    public static async Task<JsonElement> WaitForAsync(HttpClient client, string id, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var video = await SendAsync(client, HttpMethod.Get, $"videos/{id}");
            if (video.GetProperty("status").GetString() == status || DateTime.UtcNow > deadline)
            {
                Assert.Equal(status, video.GetProperty("status").GetString());
                return video;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// The statuses a job shows, from its create answer until one of <paramref name="finals"/>, each
    /// once and in order (give the job a render time of a second or two).
    /// </summary>
    public static async Task<List<string>> SeenStatusesAsync(HttpClient client, JsonElement created, params string[] finals)
    {
        var seen = new List<string> { created.GetProperty("status").GetString()! };
        var path = "videos/" + Escape(created.GetProperty("id").GetString()!);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!finals.Contains(seen[^1]) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
            var status = (await SendAsync(client, HttpMethod.Get, path)).GetProperty("status").GetString()!;
            if (status != seen[^1])
            {
                seen.Add(status);
            }
        }

        return seen;
    }

    public static void AssertVideo(JsonElement video)
    {
        var missing = VideoRequiredFields.Where(name => !video.TryGetProperty(name, out _)).ToArray();
        Assert.Empty(missing);
        Assert.Equal("video", video.GetProperty("object").GetString());
        Assert.StartsWith("video_", video.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.String, video.GetProperty("seconds").ValueKind);
        Assert.Equal(JsonValueKind.Number, video.GetProperty("created_at").ValueKind);
        Assert.InRange(video.GetProperty("progress").GetInt32(), 0, 100);
        Assert.Contains(video.GetProperty("status").GetString(), new[] { "queued", "in_progress", "completed", "failed" });
    }

    public static void AssertError(JsonElement body, string? param, string? code, string type = "invalid_request_error")
    {
        var error = body.GetProperty("error");
        Assert.Equal(new[] { "message", "type", "param", "code" }, error.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.Equal(param, NullableString(error.GetProperty("param")));
        Assert.Equal(code, NullableString(error.GetProperty("code")));
    }

    /// <summary>LiteLLM's envelope: OpenAI's four fields, the code a string of the status.</summary>
    public static void AssertLiteLlmError(JsonElement body, int status, string messageStart)
    {
        var error = body.GetProperty("error");
        Assert.Equal(new[] { "message", "type", "param", "code" }, error.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.StartsWith(messageStart, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(status.ToString(System.Globalization.CultureInfo.InvariantCulture), error.GetProperty("code").GetString());
    }

    public static string? NullableString(JsonElement element) => element.ValueKind == JsonValueKind.Null ? null : element.GetString();

    public static IEnumerable<string> Ids(JsonElement list) => list.GetProperty("data").EnumerateArray().Select(v => v.GetProperty("id").GetString()!);

    private static string Quote(string value) => "\"" + value + "\"";
}
