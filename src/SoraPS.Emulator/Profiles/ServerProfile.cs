using System;
using System.Collections.Generic;
using Microsoft.AspNetCore.Http;
using SoraPS.Emulator.Http;
using SoraPS.Emulator.State;

namespace SoraPS.Emulator.Profiles;

/// <summary>
/// Everything that differs between the servers the emulator can behave like, in one place per
/// server: the endpoints ask their profile how to name and describe a job, what a request may
/// hold, which operations exist and how an error looks. The handlers stay the same for all.
/// </summary>
internal abstract class ServerProfile : IJobRules
{
    private static readonly (EmulatorProfile Profile, string Name)[] Names =
    [
        (EmulatorProfile.OpenAi, "openai"),
        (EmulatorProfile.LiteLlmOpenAi, "litellm-openai"),
        (EmulatorProfile.LiteLlmGemini, "litellm-gemini"),
        (EmulatorProfile.LiteLlmRunway, "litellm-runway"),
    ];

    /// <summary>The command-line names, in order.</summary>
    public static IEnumerable<string> AllNames => Array.ConvertAll(Names, n => n.Name);

    /// <summary>Path prefixes the API is served under.</summary>
    public abstract IReadOnlyList<string> ApiPrefixes { get; }

    /// <summary>The model a create without one gets.</summary>
    public abstract string DefaultModel { get; }

    /// <summary>The seconds a create without them gets.</summary>
    public abstract string DefaultSeconds { get; }

    /// <summary>Whether a content request's variant reaches the provider (otherwise every request gets the video).</summary>
    public abstract bool ForwardsVariant { get; }

    /// <summary>A header of the server's own that may carry the key instead of the usual one; null for none.</summary>
    public virtual string? OwnKeyHeader => null;

    /// <summary>The header, and a fresh value, that names each answer in the server's logs: OpenAI's x-request-id.</summary>
    public virtual (string Header, string Value) NewRequestId() => ("x-request-id", "req_" + Guid.NewGuid().ToString("N"));

    public static bool TryParse(string name, out EmulatorProfile profile)
    {
        foreach (var (candidate, candidateName) in Names)
        {
            if (string.Equals(name, candidateName, StringComparison.OrdinalIgnoreCase))
            {
                profile = candidate;
                return true;
            }
        }

        profile = default;
        return false;
    }

    public static ServerProfile For(EmulatorOptions options)
    {
        if (options.Gateway && options.Profile != EmulatorProfile.OpenAi)
        {
            throw new ArgumentException(
                "Gateway is a variation of the openai profile; the other profiles have rules of their own.", nameof(options));
        }

        return options.Profile switch
        {
            EmulatorProfile.OpenAi => new OpenAiProfile(options.PollAfterMs, options.Gateway),
            EmulatorProfile.LiteLlmOpenAi => new LiteLlmOpenAiProfile(),
            EmulatorProfile.LiteLlmGemini => new LiteLlmGeminiProfile(),
            EmulatorProfile.LiteLlmRunway => new LiteLlmRunwayProfile(),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Profile, "Unknown profile."),
        };
    }

    /// <summary>Whether the server has a route for the operation at all; a request for a missing one gets <see cref="UnknownRoute"/>.</summary>
    public virtual bool HasRoute(ApiOperation operation) => true;

    /// <summary>The error that answers an operation the server routes but cannot do; null when it can.</summary>
    public virtual ApiErrorException? Refusal(ApiOperation operation) => null;

    /// <summary>The 'seconds' of a create (<paramref name="required"/> false: a default applies) or of an extension.</summary>
    public abstract string Seconds(RequestFields fields, bool required);

    /// <summary>The 'size' of a create, as the job keeps it.</summary>
    public abstract string Size(RequestFields fields);

    public abstract JobIdentity Identify(JobSpec spec, long sequence);

    public abstract JobOutcome Outcome(PromptTriggers triggers);

    /// <summary>The server's word for a status.</summary>
    public abstract string StatusText(JobStatus status);

    /// <summary>A video object answer; <paramref name="justCreated"/> for the answer to the request that created the job.</summary>
    public abstract IResult Video(VideoJob job, JobState state, bool justCreated);

    /// <summary>A page of the list as of <paramref name="now"/>.</summary>
    public abstract IResult VideoList(JobPage page, DateTimeOffset now);

    /// <summary>A content answer with <paramref name="asset"/>, for the id as the client sent it.</summary>
    public abstract IResult Content(string requestedId, ContentAsset asset);

    /// <summary>
    /// The answer for an error in <paramref name="operation"/> (null: outside any operation, such as
    /// a fault's standard envelope).
    /// </summary>
    public abstract IResult Error(ApiOperation? operation, ApiErrorException error, IReadOnlyDictionary<string, string>? headers = null);

    /// <summary>
    /// The answer for a request no route matches; <paramref name="allowedMethods"/> are the methods
    /// of routes that match its path, if any.
    /// </summary>
    public abstract IResult UnknownRoute(HttpRequest request, IReadOnlyCollection<string> allowedMethods);
}
