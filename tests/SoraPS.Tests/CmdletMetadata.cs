using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;

namespace SoraPS.Tests;

/// <summary>
/// Reads cmdlet attributes as metadata. PowerShellStandard.Library's assembly is a stub whose attribute
/// getters return defaults, so instances would lie; the constructor and named arguments do not.
/// </summary>
internal static class CmdletMetadata
{
    public static Assembly ModuleAssembly => typeof(Commands.NewSoraVideoCommand).Assembly;

    public static IReadOnlyList<Type> CmdletTypes => ModuleAssembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(Cmdlet).IsAssignableFrom(t))
        .OrderBy(t => t.Name)
        .ToList();

    public static CustomAttributeData? Attribute(MemberInfo member, string name) =>
        member.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.Name == name);

    public static IEnumerable<CustomAttributeData> Attributes(MemberInfo member, string name) =>
        member.GetCustomAttributesData().Where(a => a.AttributeType.Name == name);

    public static T? Named<T>(CustomAttributeData attribute, string name, T? fallback = default)
    {
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.MemberName == name)
            {
                return (T?)argument.TypedValue.Value;
            }
        }

        return fallback;
    }

    public static string CommandName(Type type)
    {
        var cmdlet = Attribute(type, "CmdletAttribute") ?? throw new InvalidOperationException(type.Name + " has no [Cmdlet].");
        return $"{cmdlet.ConstructorArguments[0].Value}-{cmdlet.ConstructorArguments[1].Value}";
    }

    public static Type Cmdlet(string commandName) => CmdletTypes.Single(t => CommandName(t) == commandName);

    public static PropertyInfo Parameter(string commandName, string parameterName) =>
        Cmdlet(commandName).GetProperty(parameterName) ?? throw new InvalidOperationException($"{commandName} has no -{parameterName}.");

    /// <summary>Each [Parameter] on a property: one per parameter set it belongs to.</summary>
    public static IReadOnlyList<CustomAttributeData> ParameterAttributes(PropertyInfo property) =>
        Attributes(property, "ParameterAttribute").ToList();

    public static IEnumerable<PropertyInfo> Parameters(Type cmdlet) =>
        cmdlet.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => Attribute(p, "ParameterAttribute") is not null);

    public static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "SoraPS.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("SoraPS.sln not found above " + AppContext.BaseDirectory);
    }
}
