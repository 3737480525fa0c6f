using System;
using System.IO;

namespace SoraPS;

/// <summary>The target file exists and overwriting was not asked for.</summary>
public sealed class SoraFileExistsException : IOException
{
    public SoraFileExistsException()
    {
    }

    public SoraFileExistsException(string message)
        : base(message)
    {
    }

    public SoraFileExistsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public string? Path { get; private init; }

    internal static SoraFileExistsException For(string path) =>
        new($"The file '{path}' already exists. Use -Force to replace it, or choose another -Path.") { Path = path };
}
