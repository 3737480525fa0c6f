namespace SoraPS;

/// <summary>
/// One row of a batch as the user gave it (a CSV row, a hashtable, any object): the fields of a create
/// request, and an optional name that keeps the row's identity when its prompt is edited. Null means
/// "not given"; the cmdlet layer turns empty cells into null.
/// </summary>
public sealed class BatchRow
{
    public BatchRow(int number, string? prompt)
    {
        Number = number;
        Prompt = prompt;
    }

    /// <summary>The row's position in the input, from 1, as messages and the report name it.</summary>
    public int Number { get; }

    public string? Prompt { get; }

    public string? Model { get; init; }

    public string? Seconds { get; init; }

    public string? Size { get; init; }

    /// <summary>A local image, as a full path (the cmdlet layer resolves it against the current location).</summary>
    public string? InputReferencePath { get; init; }

    public string? InputReferenceUri { get; init; }

    public string? InputReferenceFileId { get; init; }

    /// <summary>The row's key when given; otherwise the key is a hash of what makes the job.</summary>
    public string? Name { get; init; }

    /// <summary>The names of the properties the row had, to say what was there when the prompt is missing.</summary>
    public string[]? PropertyNames { get; init; }
}
