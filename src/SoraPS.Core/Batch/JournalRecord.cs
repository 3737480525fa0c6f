using System;
using System.Text.Json.Serialization;

namespace SoraPS.Core.Batch;

/// <summary>
/// One line of a batch journal. Each record is written before the step it guards (a create's record is
/// flushed to disk before it is sent), so that after any interruption the journal says what may have
/// happened, never less.
/// </summary>
internal sealed class JournalRecord
{
    /// <summary>The first record: what the journal belongs to.</summary>
    public const string Batch = "batch";

    /// <summary>A create request is about to be sent for the row.</summary>
    public const string Creating = "creating";

    /// <summary>The create answered with a job id (or the job was found on the server: <see cref="Adopted"/>).</summary>
    public const string Created = "created";

    /// <summary>The create answered with an error, so no job was made: the row may be created later.</summary>
    public const string Rejected = "rejected";

    /// <summary>The job reached a final status.</summary>
    public const string Finished = "finished";

    /// <summary>A variant was saved whole under its final name.</summary>
    public const string Saved = "saved";

    [JsonPropertyName("type")]
    public string Type { get; set; } = string.Empty;

    [JsonPropertyName("at")]
    public DateTimeOffset At { get; set; }

    [JsonPropertyName("key")]
    public string? Key { get; set; }

    // The batch record.
    [JsonPropertyName("version")]
    public int? Version { get; set; }

    [JsonPropertyName("output")]
    public string? Output { get; set; }

    /// <summary>Where the journal lay relative to the output folder, when inside it: a moved folder keeps its journal.</summary>
    [JsonPropertyName("journalInOutput")]
    public string? JournalInOutput { get; set; }

    [JsonPropertyName("shard")]
    public string? Shard { get; set; }

    [JsonPropertyName("server")]
    public string? Server { get; set; }

    // Creating.
    [JsonPropertyName("row")]
    public int? Row { get; set; }

    [JsonPropertyName("fingerprint")]
    public string? Fingerprint { get; set; }

    // Created, finished, saved.
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("adopted")]
    public bool? Adopted { get; set; }

    // Rejected, finished.
    [JsonPropertyName("httpStatus")]
    public int? HttpStatus { get; set; }

    [JsonPropertyName("status")]
    public string? Status { get; set; }

    [JsonPropertyName("errorCode")]
    public string? ErrorCode { get; set; }

    [JsonPropertyName("error")]
    public string? Error { get; set; }

    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("seconds")]
    public string? Seconds { get; set; }

    [JsonPropertyName("size")]
    public string? Size { get; set; }

    // Saved.
    [JsonPropertyName("variant")]
    public string? Variant { get; set; }

    /// <summary>The file's path relative to the output folder.</summary>
    [JsonPropertyName("file")]
    public string? File { get; set; }

    [JsonPropertyName("length")]
    public long? Length { get; set; }

    [JsonPropertyName("sha256")]
    public string? Sha256 { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(JournalRecord))]
internal sealed partial class JournalJsonContext : JsonSerializerContext
{
}
