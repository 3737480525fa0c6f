using System;

namespace SoraPS.Emulator.Faults;

/// <summary>Stops a handler once a fault has cut its response short; the pipeline swallows it.</summary>
internal sealed class FaultInjectedException : Exception
{
    public FaultInjectedException()
        : base("A fault cut the response short.")
    {
    }

    public FaultInjectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
