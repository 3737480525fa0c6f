using System;
using System.Collections.Generic;

namespace SoraPS.Core.Batch;

/// <summary>What the journal says about one row, replayed record by record.</summary>
internal sealed class JournalRowState
{
    public JournalRowState(string key)
    {
        Key = key;
    }

    public string Key { get; }

    /// <summary>The fingerprint of the job the row was created as (to notice a named row whose prompt changed).</summary>
    public string? Fingerprint { get; private set; }

    /// <summary>When the row's first create was about to be sent: when the row started.</summary>
    public DateTimeOffset? StartedAt { get; private set; }

    /// <summary>A create was sent and no answer was recorded: the server may or may not have made the job.</summary>
    public bool CreateInDoubt { get; private set; }

    /// <summary>When the create in doubt was sent, to look for its job on the server.</summary>
    public DateTimeOffset? AttemptAt { get; private set; }

    public string? VideoId { get; private set; }

    public bool Adopted { get; private set; }

    /// <summary>The last create the server refused, if no job was made since.</summary>
    public JournalRecord? Rejection { get; private set; }

    public JournalRecord? Finish { get; private set; }

    public Dictionary<VideoVariant, JournalRecord> Saved { get; } = [];

    /// <summary>When the row's last step was recorded: its end, once it is done.</summary>
    public DateTimeOffset? LastAt { get; private set; }

    public bool IsCreated => VideoId is not null;

    public void Apply(JournalRecord record)
    {
        LastAt = record.At;
        switch (record.Type)
        {
            case JournalRecord.Creating:
                StartedAt ??= record.At;
                Fingerprint = record.Fingerprint ?? Fingerprint;
                if (VideoId is null)
                {
                    CreateInDoubt = true;
                    AttemptAt = record.At;
                }

                break;
            case JournalRecord.Created:
                VideoId = record.Id;
                Adopted = record.Adopted == true;
                CreateInDoubt = false;
                Rejection = null;
                break;
            case JournalRecord.Rejected:
                CreateInDoubt = false;
                Rejection = record;
                break;
            case JournalRecord.Finished:
                VideoId ??= record.Id;
                Finish = record;
                break;
            case JournalRecord.Saved when VariantNames.TryParse(record.Variant, out var variant):
                Saved[variant] = record;
                break;
        }
    }
}

/// <summary>The variants' names in the journal: the API's own (video, thumbnail, spritesheet).</summary>
internal static class VariantNames
{
    public static string Of(VideoVariant variant) => SoraClient.VariantName(variant);

    public static bool TryParse(string? name, out VideoVariant variant)
    {
        foreach (VideoVariant candidate in Enum.GetValues(typeof(VideoVariant)))
        {
            if (string.Equals(Of(candidate), name, StringComparison.OrdinalIgnoreCase))
            {
                variant = candidate;
                return true;
            }
        }

        variant = VideoVariant.Video;
        return false;
    }
}
