using System;
using Microsoft.AspNetCore.Http;
using SoraPS.Emulator.Http;
using SoraPS.Emulator.Profiles;
using SoraPS.Emulator.State;

namespace SoraPS.Emulator.Endpoints;

/// <summary>What the API handlers share: the stores, and the profile that answers for the server.</summary>
internal sealed class EmulatorState(VideoStore videos, CharacterStore characters, ServerProfile profile)
{
    public VideoStore Videos { get; } = videos;

    public CharacterStore Characters { get; } = characters;

    public ServerProfile Profile { get; } = profile;

    /// <summary>
    /// A video id taken from a route. Kestrel decodes every escape in the path except %2F, so that
    /// an escaped slash cannot change which route matches; the id gets its slash back here. (An id
    /// never holds a '%', so this cannot be a second decoding of one.)
    /// </summary>
    public static string IdFromRoute(string routeValue) =>
        routeValue.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);

    /// <summary>A job by the id clients see (not unescaped: see <see cref="IdFromRoute"/>).</summary>
    public VideoJob FindVideo(string id) => Videos.Find(id) ?? throw ApiErrorException.VideoNotFound(id);

    /// <summary>A video object answer, as of now.</summary>
    public IResult Video(VideoJob job) => Profile.Video(job, job.StateAt(Videos.Now), justCreated: false);

    /// <summary>The answer to the request that created <paramref name="job"/>: always in its first state.</summary>
    public IResult Created(VideoJob job) => Profile.Video(job, JobState.Queued, justCreated: true);

    public IResult VideoList(JobPage page) => Profile.VideoList(page, Videos.Now);
}
