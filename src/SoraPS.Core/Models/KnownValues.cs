using System.Collections.Generic;

namespace SoraPS;

/// <summary>
/// Values the API is known to accept, offered for completion only. Servers of the same shape accept
/// others (Veo's 6 s, deployment names as models), so nothing is ever rejected for being missing here.
/// </summary>
public static class KnownValues
{
    public static IReadOnlyList<string> Models { get; } =
        ["sora-2", "sora-2-pro", "sora-2-2025-10-06", "sora-2-pro-2025-10-06", "sora-2-2025-12-08"];

    public static IReadOnlyList<string> Sizes { get; } = ["720x1280", "1280x720", "1024x1792", "1792x1024"];

    public static IReadOnlyList<string> Seconds { get; } = ["4", "8", "12", "16", "20"];
}
