using System;
using System.Collections.Generic;

namespace SoraPS.Emulator;

/// <summary>How an <see cref="EmulatorServer"/> behaves.</summary>
public sealed class EmulatorOptions
{
    /// <summary>
    /// Time a job takes from creation to completion: queued for the first tenth, then in_progress
    /// with rising progress, then completed. <see cref="TimeSpan.Zero"/> makes a job completed at
    /// its first retrieve (the create response still says queued).
    /// </summary>
    public TimeSpan RenderTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The key that requests must carry; null disables the check.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Header that carries the key: "Authorization" expects "Bearer &lt;key&gt;"; any other name
    /// (Azure's "api-key") expects the raw key.
    /// </summary>
    public string ApiKeyHeader { get; set; } = "Authorization";

    /// <summary>Value of the openai-poll-after-ms header sent with every video object.</summary>
    public int PollAfterMs { get; set; } = 1000;

    /// <summary>Number of completed jobs that exist when the server starts.</summary>
    public int SeedCompletedJobs { get; set; }

    /// <summary>Which server to behave like; see README.md for what each profile changes.</summary>
    public EmulatorProfile Profile { get; set; } = EmulatorProfile.OpenAi;

    /// <summary>
    /// A variation of the <see cref="EmulatorProfile.OpenAi"/> profile, for a generic gateway in
    /// front of another provider: any WIDTHxHEIGHT size and any positive whole seconds are
    /// accepted, and running jobs report "pending" and "processing" instead of "queued" and
    /// "in_progress". The other profiles have rules of their own and refuse it.
    /// </summary>
    public bool Gateway { get; set; }

    /// <summary>Headers every API request must carry with exactly these values (a gateway's tenant or route header).</summary>
    public IReadOnlyDictionary<string, string>? RequiredHeaders { get; set; }

    /// <summary>Kestrel URLs (';'-separated); port 0 picks a free port.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:0";
}
