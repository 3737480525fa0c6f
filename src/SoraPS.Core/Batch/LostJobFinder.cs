using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace SoraPS.Core.Batch;

/// <summary>A create that was sent and whose answer never came.</summary>
internal sealed class LostCreate
{
    public LostCreate(PreparedRow row, DateTimeOffset sentAt)
    {
        Row = row;
        SentAt = sentAt;
    }

    public PreparedRow Row { get; }

    public DateTimeOffset SentAt { get; }
}

/// <summary>What a search for lost jobs found, and why the rest could not be found, if it was not for want of a job.</summary>
internal sealed class LostJobSearch
{
    public Dictionary<string, SoraVideo> Found { get; } = new(StringComparer.Ordinal);

    /// <summary>Why the server could not be searched (no list, no prompts in it); null when it was searched.</summary>
    public string? CouldNotSearch { get; set; }
}

/// <summary>
/// Finds on the server the jobs of creates whose answers were lost: the job list, newest first, for jobs
/// with the row's prompt (and its model, size and seconds where both sides say them) made around the time
/// the create was sent. Where the server's list is missing or shows no prompts (LiteLLM drops them),
/// nothing can be recognised, and the rows stay unknown rather than being created twice.
/// </summary>
internal static class LostJobFinder
{
    /// <summary>A search never reads more pages than this (10,000 jobs).</summary>
    private const int MaxPages = 100;

    public static async Task<LostJobSearch> FindAsync(
        SoraClient client, IReadOnlyList<LostCreate> lost, ICollection<string> knownIds, TimeSpan clockSkew, CancellationToken cancellationToken)
    {
        var search = new LostJobSearch();
        if (lost.Count == 0)
        {
            return search;
        }

        // A create may have been made any time from its sending until its request timed out.
        var latestAnswer = client.Connection.RequestTimeout + clockSkew;
        var oldest = lost.Min(l => l.SentAt) - clockSkew;
        var open = lost.ToList();
        var pages = 0;
        var sawPrompt = false;
        try
        {
            await foreach (var page in client.ListAllPagesAsync(new ListVideosQuery { Limit = InputValidation.MaxListLimit, Order = ListOrder.Desc }, cancellationToken)
                .ConfigureAwait(false))
            {
                pages++;
                foreach (var video in page.Data)
                {
                    sawPrompt |= video.Prompt is not null;
                    if (knownIds.Contains(video.Id))
                    {
                        continue;
                    }

                    var match = open
                        .Where(l => Matches(l, video, clockSkew, latestAnswer))
                        .OrderBy(l => video.CreatedAt is { } created ? Math.Abs((created - l.SentAt).TotalSeconds) : 0)
                        .FirstOrDefault();
                    if (match is not null)
                    {
                        search.Found[match.Row.Key] = video;
                        knownIds.Add(video.Id);
                        open.Remove(match);
                    }
                }

                var last = page.Data.Count > 0 ? page.Data[page.Data.Count - 1] : null;
                if (open.Count == 0 || pages >= MaxPages || (last?.CreatedAt is { } created && created < oldest))
                {
                    break;
                }
            }
        }
        catch (SoraApiException e)
        {
            search.CouldNotSearch = "the server's job list could not be read (" + e.Message.TrimEnd('.') + ")";
            return search;
        }

        if (open.Count > 0 && !sawPrompt)
        {
            search.CouldNotSearch = "the server's job list does not show prompts, so the job cannot be recognised in it";
        }

        return search;
    }

    private static bool Matches(LostCreate lost, SoraVideo video, TimeSpan clockSkew, TimeSpan latestAnswer)
    {
        var request = lost.Row.Request;
        if (!string.Equals(video.Prompt, request.Prompt, StringComparison.Ordinal)
            || !SameWhereBothSay(request.Model, video.Model)
            || !SameWhereBothSay(request.Size, video.Size)
            || !SameWhereBothSay(request.Seconds, video.Seconds))
        {
            return false;
        }

        return video.CreatedAt is not { } created
            || (created >= lost.SentAt - clockSkew && created <= lost.SentAt + latestAnswer);
    }

    private static bool SameWhereBothSay(string? asked, string? answered) =>
        asked is null || answered is null || string.Equals(asked, answered, StringComparison.OrdinalIgnoreCase);
}
