using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace SoraPS.Emulator.State;

/// <summary>
/// Markers in a prompt that steer a job: <c>#moderation_blocked</c> (ends failed),
/// <c>#bytes=N</c> (video variant of exactly N bytes), <c>#render=S</c> (render time in seconds),
/// <c>#content_error</c> (completes, but every download answers 200 with an error body),
/// <c>#cancelled</c> (ends cancelled, where the provider has that status).
/// </summary>
internal sealed partial record PromptTriggers(bool ModerationBlocked, long? VideoBytes, TimeSpan? RenderTime, bool ContentError = false, bool Cancelled = false)
{
    public static PromptTriggers None { get; } = new(false, null, null);

    public static PromptTriggers Parse(string prompt)
    {
        var bytes = BytesTrigger().Match(prompt);
        var render = RenderTrigger().Match(prompt);
        return new PromptTriggers(
            prompt.Contains("#moderation_blocked", StringComparison.OrdinalIgnoreCase),
            bytes.Success && long.TryParse(bytes.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null,
            render.Success && double.TryParse(render.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var s)
                ? TimeSpan.FromSeconds(s)
                : null,
            prompt.Contains("#content_error", StringComparison.OrdinalIgnoreCase),
            prompt.Contains("#cancelled", StringComparison.OrdinalIgnoreCase));
    }

    [GeneratedRegex(@"#bytes=(\d{1,18})\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BytesTrigger();

    [GeneratedRegex(@"#render=(\d{1,7}(?:\.\d+)?)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RenderTrigger();
}
