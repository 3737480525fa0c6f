using System;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using SoraPS.Core.Http;
using SoraPS.Core.Json;

namespace SoraPS;

/// <summary>Jobs made from another video (edit, extension) and characters made from an uploaded video.</summary>
public sealed partial class SoraClient
{
    /// <summary>Starts a job that edits a completed job: JSON <c>{"prompt", "video": {"id"}}</c>.</summary>
    public async Task<SoraVideo> EditVideoAsync(string id, string prompt, CancellationToken cancellationToken = default)
    {
        var body = new EditVideoJsonBody
        {
            Prompt = InputValidation.Prompt(prompt),
            Video = new VideoReferenceBody { Id = InputValidation.VideoId(id) },
        };
        var request = new ApiRequest(
            HttpMethod.Post, "videos/edits", ApiOperation.Edit, RequestKind.StartsJob, () => RequestBodies.Json(body, SoraJsonContext.Default.EditVideoJsonBody));
        return (await SendJsonAsync(request, SoraJsonContext.Default.SoraVideo, cancellationToken).ConfigureAwait(false)).Value;
    }

    /// <summary>
    /// Starts a job that edits an uploaded video: multipart with <c>prompt</c> and a <c>video</c> file
    /// part carrying the video's own Content-Type.
    /// </summary>
    public async Task<SoraVideo> EditVideoAsync(FileInfo video, string prompt, CancellationToken cancellationToken = default)
    {
        if (video is null)
        {
            throw new ArgumentNullException(nameof(video));
        }

        var validPrompt = InputValidation.Prompt(prompt);
        var path = video.FullName;
        var contentType = InputValidation.VideoFile(path);
        var request = new ApiRequest(
            HttpMethod.Post, "videos/edits", ApiOperation.Edit, RequestKind.StartsJob, () => RequestBodies.VideoForm(path, contentType, "prompt", validPrompt));
        return (await SendJsonAsync(request, SoraJsonContext.Default.SoraVideo, cancellationToken).ConfigureAwait(false)).Value;
    }

    /// <summary>
    /// Starts a job that continues a completed job by <paramref name="seconds"/> more seconds:
    /// JSON <c>{"prompt", "seconds": "n", "video": {"id"}}</c>. The new job's seconds are the stitched total.
    /// </summary>
    public async Task<SoraVideo> ExtendVideoAsync(string id, string prompt, string seconds, CancellationToken cancellationToken = default)
    {
        var body = new ExtendVideoJsonBody
        {
            Prompt = InputValidation.Prompt(prompt),
            Seconds = InputValidation.ExtensionSeconds(seconds),
            Video = new VideoReferenceBody { Id = InputValidation.VideoId(id) },
        };
        var request = new ApiRequest(
            HttpMethod.Post, "videos/extensions", ApiOperation.Extend, RequestKind.StartsJob, () => RequestBodies.Json(body, SoraJsonContext.Default.ExtendVideoJsonBody));
        return (await SendJsonAsync(request, SoraJsonContext.Default.SoraVideo, cancellationToken).ConfigureAwait(false)).Value;
    }

    /// <summary>Creates a character from an uploaded video: multipart with <c>name</c> and a <c>video</c> file part.</summary>
    public async Task<SoraCharacter> CreateCharacterAsync(string name, FileInfo video, CancellationToken cancellationToken = default)
    {
        if (video is null)
        {
            throw new ArgumentNullException(nameof(video));
        }

        var validName = InputValidation.CharacterName(name);
        var path = video.FullName;
        var contentType = InputValidation.VideoFile(path);

        // Not idempotent: a repeat after the server may have acted would make a second character.
        var request = new ApiRequest(
            HttpMethod.Post, "videos/characters", ApiOperation.CreateCharacter, RequestKind.StartsJob, () => RequestBodies.VideoForm(path, contentType, "name", validName));
        return (await SendJsonAsync(request, SoraJsonContext.Default.SoraCharacter, cancellationToken).ConfigureAwait(false)).Value;
    }

    public async Task<SoraCharacter> GetCharacterAsync(string id, CancellationToken cancellationToken = default)
    {
        var path = "videos/characters/" + Uri.EscapeDataString(InputValidation.CharacterId(id));
        return (await SendJsonAsync(new ApiRequest(HttpMethod.Get, path, ApiOperation.GetCharacter, RequestKind.Idempotent), SoraJsonContext.Default.SoraCharacter, cancellationToken)
            .ConfigureAwait(false)).Value;
    }
}
