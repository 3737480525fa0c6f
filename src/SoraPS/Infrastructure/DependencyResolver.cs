using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;

namespace SoraPS.Infrastructure;

/// <summary>
/// Windows PowerShell (.NET Framework) has no binding redirects for a module: System.Text.Json asks
/// for versions of System.Memory and friends that differ from the ones shipped beside it, and another
/// module may already have loaded older copies. This resolver answers those requests with the
/// module's own copy when it is the same version or newer, as a binding redirect would. PowerShell 7
/// needs none of this (it carries System.Text.Json; the net8.0 build ships no dependencies).
/// </summary>
public sealed class DependencyResolver : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
#if NETFRAMEWORK
    private static readonly string Folder = Path.GetDirectoryName(typeof(DependencyResolver).Assembly.Location)!;

    private static Dictionary<string, string>? shipped;
#endif

    public void OnImport()
    {
#if NETFRAMEWORK
        shipped = Directory.GetFiles(Folder, "*.dll")
            .Where(path => !Path.GetFileName(path).StartsWith("SoraPS", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(path => Path.GetFileNameWithoutExtension(path), StringComparer.OrdinalIgnoreCase);
        AppDomain.CurrentDomain.AssemblyResolve += Resolve;
#endif
    }

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
#if NETFRAMEWORK
        AppDomain.CurrentDomain.AssemblyResolve -= Resolve;
#endif
    }

    /// <summary>Whether the shipped copy may stand in for the requested assembly.</summary>
    public static bool Satisfies(AssemblyName requested, AssemblyName candidate) =>
        string.Equals(requested.Name, candidate.Name, StringComparison.OrdinalIgnoreCase)
        && (requested.Version is null || (candidate.Version is not null && candidate.Version >= requested.Version))
        && PublicKeyTokensMatch(requested, candidate);

    private static bool PublicKeyTokensMatch(AssemblyName requested, AssemblyName candidate)
    {
        var wanted = requested.GetPublicKeyToken();
        return wanted is null || wanted.Length == 0 || wanted.SequenceEqual(candidate.GetPublicKeyToken() ?? []);
    }

#if NETFRAMEWORK
    private static Assembly? Resolve(object? sender, ResolveEventArgs args)
    {
        var requested = new AssemblyName(args.Name);
        if (shipped is null || requested.Name is null || !shipped.TryGetValue(requested.Name, out var path))
        {
            return null;
        }

        return Satisfies(requested, AssemblyName.GetAssemblyName(path)) ? Assembly.LoadFrom(path) : null;
    }
#endif
}
