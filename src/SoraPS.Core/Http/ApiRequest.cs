using System;
using System.Net.Http;

namespace SoraPS.Core.Http;

/// <summary>What a request does, in the words a message to the user needs ("this server does not offer ...").</summary>
internal enum ApiOperation
{
    Create,
    Retrieve,
    List,
    Delete,
    Content,
    Remix,
    Edit,
    Extend,
    CreateCharacter,
    GetCharacter,
}

/// <summary>One logical request to the API: where it goes, what it carries, and how it may be repeated.</summary>
internal sealed class ApiRequest
{
    public ApiRequest(
        HttpMethod method, string path, ApiOperation operation, RequestKind kind, Func<HttpContent>? body = null, Action<HttpRequestMessage>? prepare = null)
    {
        Method = method;
        Path = path;
        Operation = operation;
        Kind = kind;
        Body = body;
        Prepare = prepare;
    }

    public HttpMethod Method { get; }

    /// <summary>Relative to the connection's base, ids already escaped.</summary>
    public string Path { get; }

    public ApiOperation Operation { get; }

    public RequestKind Kind { get; }

    /// <summary>Makes the body afresh for each attempt (a retried upload starts from the file's beginning).</summary>
    public Func<HttpContent>? Body { get; }

    /// <summary>Adds headers of this request alone, such as Range.</summary>
    public Action<HttpRequestMessage>? Prepare { get; }

    public static string Describe(ApiOperation operation) => operation switch
    {
        ApiOperation.Create => "creating video jobs",
        ApiOperation.Retrieve => "retrieving video jobs",
        ApiOperation.List => "listing video jobs",
        ApiOperation.Delete => "deleting video jobs",
        ApiOperation.Content => "downloading video content",
        ApiOperation.Remix => "remixing videos",
        ApiOperation.Edit => "editing videos",
        ApiOperation.Extend => "extending videos",
        ApiOperation.CreateCharacter => "creating characters",
        _ => "retrieving characters",
    };
}
