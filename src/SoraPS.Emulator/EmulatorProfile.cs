namespace SoraPS.Emulator;

/// <summary>Which server the emulator behaves like.</summary>
public enum EmulatorProfile
{
    /// <summary>OpenAI's Videos API as its contract describes it (the default).</summary>
    OpenAi,
}
