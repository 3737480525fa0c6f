namespace SoraPS.Emulator;

/// <summary>What the server has done so far, read at one moment (also served by GET /_emulator/stats).</summary>
/// <param name="JobsCreated">Jobs created by POST requests (seeded jobs excluded): proves that a retry did not bill a second job.</param>
/// <param name="Jobs">Jobs that exist now (not deleted), seeded ones included.</param>
/// <param name="Unfinished">Jobs created by POSTs that have not finished yet (neither completed, failed nor cancelled).</param>
/// <param name="MaxUnfinished">
/// The most jobs created by POSTs that were unfinished at the same moment over the server's life,
/// by the server's clock: how many jobs a batch really had running at once. A deleted job counts
/// for the time it existed; a job that never finishes counts until now.
/// </param>
public sealed record EmulatorStats(int JobsCreated, int Jobs, int Unfinished, int MaxUnfinished);
