#if !NET5_0_OR_GREATER
namespace System.Runtime.CompilerServices;

/// <summary>Lets init-only setters compile for .NET Framework, which predates them.</summary>
internal static class IsExternalInit
{
}
#endif
