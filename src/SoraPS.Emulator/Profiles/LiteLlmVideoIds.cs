using System;
using System.Security.Cryptography;
using System.Text;
using SoraPS.Emulator.State;

namespace SoraPS.Emulator.Profiles;

/// <summary>
/// LiteLLM's video ids: "video_" and the standard base64 (with '=' padding) of
/// "litellm:custom_llm_provider:P;model_id:M;video_id:RAW", so that later calls find the provider
/// and model from the id alone. Every id of one provider and model shares a long prefix.
/// </summary>
internal static class LiteLlmVideoIds
{
    private const string Prefix = "video_";

    // Base64 turns the third byte of every group of three into a character of its own, its low six
    // bits: '~' (0x7E) becomes '+' and '?' (0x3F) becomes '/'. No other printable ASCII character
    // can give either, so a raw id gets one of them at such a position.
    private const char PlusMarker = '~';
    private const char SlashMarker = '?';

    private const string Filler = "0123456789abcdef";

    /// <summary>
    /// The ids of a job whose provider id starts with <paramref name="rawStem"/>. The raw id is
    /// completed so that the encoded id of every third job (the first, the fourth...) carries a
    /// '+', of every third from the second a '/', and of the rest neither; all end in '=' padding.
    /// Clients meet every character an escaped id can hold.
    /// </summary>
    public static JobIdentity Identify(string provider, string model, string rawStem, long sequence)
    {
        var raw = new StringBuilder(rawStem);
        var marker = (sequence % 3) switch
        {
            1 => PlusMarker,
            2 => SlashMarker,
            _ => (char?)null,
        };

        // Pad so the next byte is the third of its group; then the marker, and one more byte so
        // that the last group is short and padded ('=='). Without a marker, pad to a group of two ('=').
        var length = Encoding.UTF8.GetByteCount(Plain(provider, model, rawStem));
        raw.Append(RandomNumberGenerator.GetString(Filler, (2 - (length % 3) + 3) % 3));
        if (marker is { } character)
        {
            raw.Append(character).Append(RandomNumberGenerator.GetString(Filler, 1));
        }

        var rawId = raw.ToString();
        return new JobIdentity(Encode(provider, model, rawId), rawId);
    }

    public static string Encode(string provider, string model, string rawId) =>
        Prefix + Convert.ToBase64String(Encoding.UTF8.GetBytes(Plain(provider, model, rawId)));

    private static string Plain(string provider, string model, string rawId) =>
        $"litellm:custom_llm_provider:{provider};model_id:{model};video_id:{rawId}";
}
