using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace SoraPS.Core.Batch;

/// <summary>A row whose fields passed validation, with its key and the fingerprint of its job.</summary>
internal sealed class PreparedRow
{
    public PreparedRow(BatchRow row, ValidatedCreateVideoRequest request, string key, string fingerprint)
    {
        Row = row;
        Request = request;
        Key = key;
        Fingerprint = fingerprint;
    }

    public BatchRow Row { get; }

    public ValidatedCreateVideoRequest Request { get; }

    public string Key { get; }

    public string Fingerprint { get; }

    public int Number => Row.Number;

    public string? Name => Row.Name;

    /// <summary>
    /// Checks every row before anything is sent or written, and keeps those of <paramref name="shard"/>.
    /// Every problem found is listed in one message (the first ten), with the row it is in and what to fix.
    /// </summary>
    public static IReadOnlyList<PreparedRow> PrepareAll(IReadOnlyList<BatchRow> rows, BatchShard? shard)
    {
        var problems = new List<string>();
        var prepared = new List<PreparedRow>(rows.Count);
        var byKey = new Dictionary<string, PreparedRow>(StringComparer.Ordinal);
        var imageHashes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            PreparedRow candidate;
            try
            {
                candidate = Prepare(row, imageHashes);
            }
            catch (ArgumentException e)
            {
                problems.Add($"Row {row.Number}: {Describe(e, row)}");
                continue;
            }

            if (byKey.TryGetValue(candidate.Key, out var first))
            {
                problems.Add(candidate.Name is null
                    ? $"Row {row.Number} makes the same job as row {first.Number} (same prompt and settings). Remove one, or give each a distinct Name."
                    : $"Row {row.Number} has the Name '{candidate.Name}', like row {first.Number}. Each Name may appear once.");
                continue;
            }

            byKey.Add(candidate.Key, candidate);
            prepared.Add(candidate);
        }

        if (problems.Count > 0)
        {
            var text = new StringBuilder();
            text.Append(problems.Count == 1 ? "One row of the batch cannot be used" : $"{problems.Count} rows of the batch cannot be used")
                .Append("; nothing was sent and nothing was written. Correct the input and run the command again.");
            foreach (var problem in problems.Take(10))
            {
                text.Append(Environment.NewLine).Append(problem);
            }

            if (problems.Count > 10)
            {
                text.Append(Environment.NewLine).Append(string.Format(CultureInfo.InvariantCulture, "... and {0} more.", problems.Count - 10));
            }

            throw new ArgumentException(text.ToString());
        }

        return shard is null ? prepared : prepared.Where(r => shard.Contains(r.Key)).ToList();
    }

    private static PreparedRow Prepare(BatchRow row, Dictionary<string, string> imageHashes)
    {
        if (string.IsNullOrWhiteSpace(row.Prompt))
        {
            var seen = row.PropertyNames is { Length: > 0 } names ? " (its properties: " + string.Join(", ", names) + ")" : string.Empty;
            throw new ArgumentException($"no Prompt{seen}. Every row needs a Prompt property or column.");
        }

        var request = new CreateVideoRequest(row.Prompt!)
        {
            Model = row.Model,
            Seconds = row.Seconds,
            Size = row.Size,
            InputReferencePath = row.InputReferencePath,
            InputReferenceUri = row.InputReferenceUri,
            InputReferenceFileId = row.InputReferenceFileId,
        }.Validate();

        string? imageHash = null;
        if (request.ImagePath is { } path && !imageHashes.TryGetValue(path, out imageHash))
        {
            imageHash = BatchRowKey.HashFile(path);
            imageHashes[path] = imageHash;
        }

        var name = string.IsNullOrWhiteSpace(row.Name) ? null : row.Name!.Trim();
        var fingerprint = BatchRowKey.Fingerprint(request, imageHash);
        return new PreparedRow(row, request, BatchRowKey.For(name, fingerprint), fingerprint);
    }

    /// <summary>The validation message, with the cmdlet-style parameter names it uses read as column names.</summary>
    private static string Describe(ArgumentException e, BatchRow row)
    {
        var message = e.ParamName is null ? e.Message : e.Message.Replace(new ArgumentException("|", e.ParamName).Message.Substring(1), string.Empty);
        message = message.Replace("Correct -", "Correct the column ").Replace("Shorten -", "Shorten the column ").Replace("Check -", "Check the column ");
        return row.Prompt is null ? message : message + " (prompt: " + Shorten(row.Prompt) + ")";
    }

    private static string Shorten(string prompt)
    {
        var oneLine = prompt.Replace('\r', ' ').Replace('\n', ' ').Trim();
        return "\"" + (oneLine.Length > 50 ? oneLine.Substring(0, 47) + "..." : oneLine) + "\"";
    }
}
