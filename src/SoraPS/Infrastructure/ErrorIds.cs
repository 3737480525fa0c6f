namespace SoraPS.Infrastructure;

/// <summary>Every error id the module writes, each in one place, so scripts can match on them.</summary>
internal static class ErrorIds
{
    public const string NoApiKey = "SoraPS.NoApiKey";
    public const string InvalidArgument = "SoraPS.InvalidArgument";
    public const string ApiError = "SoraPS.ApiError";
    public const string InvalidResponse = "SoraPS.InvalidResponse";
    public const string NotSupported = "SoraPS.NotSupported";
    public const string ConnectionFailed = "SoraPS.ConnectionFailed";
    public const string Timeout = "SoraPS.Timeout";
    public const string TokenExpired = "SoraPS.TokenExpired";
    public const string JobFailed = "SoraPS.JobFailed";
    public const string WaitTimedOut = "SoraPS.WaitTimedOut";
    public const string JobNotCompleted = "SoraPS.JobNotCompleted";
    public const string FileExists = "SoraPS.FileExists";
    public const string FileError = "SoraPS.FileError";
    public const string JournalInUse = "SoraPS.JournalInUse";
    public const string JournalMismatch = "SoraPS.JournalMismatch";
    public const string JournalUnreadable = "SoraPS.JournalUnreadable";
    public const string JournalError = "SoraPS.JournalError";
}
