using System;
using System.IO;
using System.Runtime.InteropServices;

namespace SoraPS.Core.Batch;

/// <summary>
/// Opens a journal so that no other batch, in this process or another, can open it until it is closed,
/// and so that the lock goes away by itself when the process dies (a killed runbook must not leave a
/// journal locked forever).
/// </summary>
/// <remarks>
/// On Windows, FileShare.None is a share mode that the system (and an SMB server) enforces. On Linux and
/// macOS, .NET turns FileShare.None into an advisory flock(LOCK_EX) that it quietly skips when the file
/// system refuses it (and when DOTNET_SYSTEM_IO_DISABLEFILELOCKING is set), and FileShare.Read into a
/// shared lock that lets a second writer in. So the journal takes flock(LOCK_EX | LOCK_NB) itself and
/// fails loudly when it cannot. flock locks belong to the open file, not to the process: a second open
/// in this process (another runspace) is refused too, and closing some other handle to the file (a
/// Get-Content) does not drop the lock, as it would with fcntl record locks.
/// </remarks>
internal static class JournalLock
{
    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;

    private static readonly bool IsWindows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
    private static readonly bool IsMac = RuntimeInformation.IsOSPlatform(OSPlatform.OSX);

    /// <summary>Opens (creating when missing) and locks the journal; the lock lasts until the stream is disposed.</summary>
    public static FileStream OpenExclusive(string path)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        }
        catch (IOException e) when (IsLockConflict(e.HResult))
        {
            throw InUse(path, e);
        }

        if (IsWindows)
        {
            return stream;
        }

        try
        {
            LockUnix(stream, path);
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Opens the journal to read it without writing (for -WhatIf); a journal in use is reported as such.</summary>
    public static FileStream OpenToRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        }
        catch (IOException e) when (IsLockConflict(e.HResult))
        {
            throw InUse(path, e);
        }
    }

    private static void LockUnix(FileStream stream, string path)
    {
        int result;
        int errno;
        try
        {
            result = NativeMethods.Flock(stream.SafeFileHandle.DangerousGetHandle().ToInt32(), LockExclusive | LockNonBlocking);
            errno = result == 0 ? 0 : Marshal.GetLastWin32Error();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            throw new SoraJournalException(
                SoraJournalProblem.CannotLock,
                path,
                $"The journal '{path}' cannot be locked on this system (no flock in its C library: {e.Message}), so two batches could not be kept from writing it at once.",
                e);
        }

        if (result == 0)
        {
            return;
        }

        if (IsLockConflict(errno))
        {
            throw InUse(path, null);
        }

        throw new SoraJournalException(
            SoraJournalProblem.CannotLock,
            path,
            $"The file system of '{path}' refused to lock the journal (error {errno}), so two batches could not be kept from writing it at once. "
            + "Keep the journal on a local disk, or on a share that supports locks (an SMB share such as Azure Files; on Linux, an NFS or SMB mount with locking), with -JournalPath.");
    }

    /// <summary>A sharing or lock violation on Windows; EWOULDBLOCK on Linux (11) and macOS (35).</summary>
    private static bool IsLockConflict(int code) => IsWindows
        ? (code & 0xFFFF) is 32 or 33
        : code == (IsMac ? 35 : 11);

    private static SoraJournalException InUse(string path, Exception? inner) => new(
        SoraJournalProblem.InUse,
        path,
        $"The journal '{path}' is in use by another batch, in another process or runspace. Two batches must never write one journal: "
        + "wait for the other to end, or give this one its own -JournalPath (each -Shard needs its own journal).",
        inner);

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "flock", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Flock(int fileDescriptor, int operation);
    }
}
