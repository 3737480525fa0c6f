using System;
using System.IO;
using System.Management.Automation;
using System.Net;

namespace SoraPS.Infrastructure;

/// <summary>Builds every ErrorRecord the module writes: id, category and target chosen in one place.</summary>
internal static class ErrorRecords
{
    public static ErrorRecord NoApiKey(SoraConnection connection) => new(
        new InvalidOperationException(
            $"No API key for {connection.BaseUri}. Run Connect-Sora -ApiKey (Read-Host -AsSecureString) "
            + "(or -AccessToken for Azure OpenAI with Entra ID), or set the OPENAI_API_KEY environment variable "
            + "(AZURE_OPENAI_API_KEY for Azure OpenAI)."),
        ErrorIds.NoApiKey,
        ErrorCategory.AuthenticationError,
        connection.BaseUri);

    public static ErrorRecord InvalidArgument(ArgumentException exception, object? target) =>
        new(exception, ErrorIds.InvalidArgument, ErrorCategory.InvalidArgument, target)
        {
            ErrorDetails = new ErrorDetails(WithoutParameterName(exception)),
        };

    /// <summary>Maps any failure from SoraPS.Core to a record; returns null for what is not ours to report.</summary>
    public static ErrorRecord? From(Exception exception, object? target) => exception switch
    {
        SoraApiException api => Api(api, target),
        SoraFileExistsException exists => new ErrorRecord(exists, ErrorIds.FileExists, ErrorCategory.ResourceExists, target),
        SoraJournalException journal => Journal(journal),
        ArgumentException argument => InvalidArgument(argument, target),
        IOException or UnauthorizedAccessException => new ErrorRecord(exception, ErrorIds.FileError, ErrorCategory.WriteError, target),
        _ => null,
    };

    public static ErrorRecord JobFailed(SoraVideo video)
    {
        var reason = video.Error is null ? "the server gave no reason" : video.Error.ToString();
        var how = VideoStatus.IsFailed(video.Status) && !string.Equals(video.Status, VideoStatus.Failed, StringComparison.OrdinalIgnoreCase)
            ? $"ended {video.Status} without a video"
            : "failed";
        var record = new ErrorRecord(
            new InvalidOperationException($"Video job {video.Id} {how}: {reason}."),
            ErrorIds.JobFailed,
            ErrorCategory.InvalidResult,
            video);
        record.ErrorDetails = new ErrorDetails(record.Exception.Message)
        {
            RecommendedAction = video.Error?.Code == "moderation_blocked"
                ? "Rephrase the prompt: the request was blocked by moderation."
                : how == "failed"
                    ? "Check the job's Error property, adjust the request and create a new job."
                    : $"The server ended the job as {video.Status}; create a new job if the video is still wanted.",
        };
        return record;
    }

    public static ErrorRecord WaitTimedOut(SoraVideo video, TimeSpan timeout) => new(
        new TimeoutException(
            $"Video job {video.Id} did not finish within {timeout.TotalSeconds:0} s (last status {Show(video.Status)}"
            + (video.Progress is { } percent ? $", {percent}%" : string.Empty) + "). "
            + "It may still be running on the server: wait again with Wait-SoraVideo -Id " + video.Id + ", or raise -TimeoutSec. "
            + "Some servers never report a failed job and keep it running: the time limit is what ends such a wait."),
        ErrorIds.WaitTimedOut,
        ErrorCategory.OperationTimeout,
        video);

    public static ErrorRecord JobNotCompleted(SoraVideo video) => new(
        new InvalidOperationException(video.IsFailed
            ? $"Video job {video.Id} ended {video.Status}, so it has no content to save."
            : $"Video job {video.Id} is {Show(video.Status)}, not completed, so it has no content to save yet. "
                + "Pipe it through Wait-SoraVideo first."),
        ErrorIds.JobNotCompleted,
        ErrorCategory.InvalidOperation,
        video);

    /// <summary>A batch journal that cannot be used; the target is the journal's path.</summary>
    public static ErrorRecord Journal(SoraJournalException exception)
    {
        var (id, category) = exception.Problem switch
        {
            SoraJournalProblem.InUse => (ErrorIds.JournalInUse, ErrorCategory.ResourceBusy),
            SoraJournalProblem.OtherBatch => (ErrorIds.JournalMismatch, ErrorCategory.InvalidArgument),
            SoraJournalProblem.Corrupt or SoraJournalProblem.NewerVersion => (ErrorIds.JournalUnreadable, ErrorCategory.InvalidData),
            _ => (ErrorIds.JournalError, ErrorCategory.WriteError),
        };
        return new ErrorRecord(exception, id, category, exception.JournalPath);
    }

    private static ErrorRecord Api(SoraApiException exception, object? target)
    {
        var (id, category) = exception switch
        {
            { IsNotSupported: true } => (ErrorIds.NotSupported, ErrorCategory.NotImplemented),
            { ErrorType: SoraApiException.InvalidResponseType } => (ErrorIds.InvalidResponse, ErrorCategory.InvalidResult),
            { ErrorType: "timeout" } => (ErrorIds.Timeout, ErrorCategory.OperationTimeout),
            { ErrorCode: "token_expired" } => (ErrorIds.TokenExpired, ErrorCategory.AuthenticationError),
            { ErrorType: "connection_error" } or { StatusCode: null } => (ErrorIds.ConnectionFailed, ErrorCategory.ConnectionError),
            { StatusCode: HttpStatusCode.Unauthorized } => (ErrorIds.ApiError, ErrorCategory.AuthenticationError),
            { StatusCode: HttpStatusCode.Forbidden } => (ErrorIds.ApiError, ErrorCategory.PermissionDenied),
            { StatusCode: HttpStatusCode.NotFound } => (ErrorIds.ApiError, ErrorCategory.ObjectNotFound),
            { StatusCode: (HttpStatusCode)429 } => (ErrorIds.ApiError, ErrorCategory.LimitsExceeded),
            { StatusCode: { } status } when (int)status >= 500 => (ErrorIds.ApiError, ErrorCategory.ResourceUnavailable),
            _ => (ErrorIds.ApiError, ErrorCategory.InvalidArgument),
        };
        return new ErrorRecord(exception, id, category, target);
    }

    /// <summary>
    /// The message as written for the user: .NET appends the parameter's name (" (Parameter 'x')", or
    /// a second line on .NET Framework), which names an internal argument, not a PowerShell parameter.
    /// </summary>
    private static string WithoutParameterName(ArgumentException exception)
    {
        if (exception.ParamName is null)
        {
            return exception.Message;
        }

        var suffix = new ArgumentException("|", exception.ParamName).Message.Substring(1);
        var message = exception.Message;
        return message.EndsWith(suffix, StringComparison.Ordinal) ? message.Substring(0, message.Length - suffix.Length) : message;
    }

    private static string Show(string? status) => string.IsNullOrEmpty(status) ? "in an unknown state" : status!;
}
