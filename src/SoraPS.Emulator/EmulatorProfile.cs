namespace SoraPS.Emulator;

/// <summary>
/// Which server the emulator behaves like: OpenAI's own API, or LiteLLM's proxy in front of a
/// provider. On the command line (--profile) they are named openai, litellm-openai, litellm-gemini
/// and litellm-runway. README.md says what each one changes.
/// </summary>
public enum EmulatorProfile
{
    /// <summary>OpenAI's Videos API as its contract describes it (the default).</summary>
    OpenAi,

    /// <summary>LiteLLM's proxy in front of OpenAI.</summary>
    LiteLlmOpenAi,

    /// <summary>LiteLLM's proxy in front of Google Veo through the Gemini API.</summary>
    LiteLlmGemini,

    /// <summary>LiteLLM's proxy in front of Runway.</summary>
    LiteLlmRunway,
}
