using System.Reflection;
using SoraPS.Infrastructure;

namespace SoraPS.Tests;

public class DependencyResolverTests
{
    private const string Token = "cc7b13ffcd2ddd51";

    [Theory]
    [InlineData("System.Runtime.CompilerServices.Unsafe, Version=4.0.4.1, Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a", "System.Runtime.CompilerServices.Unsafe, Version=6.0.0.0, Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a", true)]
    [InlineData("System.Memory, Version=4.0.1.2, Culture=neutral, PublicKeyToken=" + Token, "System.Memory, Version=4.0.1.2, Culture=neutral, PublicKeyToken=" + Token, true)]
    [InlineData("System.Text.Json, Version=9.0.0.0, Culture=neutral, PublicKeyToken=" + Token, "System.Text.Json, Version=8.0.0.5, Culture=neutral, PublicKeyToken=" + Token, false)]
    [InlineData("System.Memory, Version=4.0.1.2, Culture=neutral, PublicKeyToken=" + Token, "System.Buffers, Version=4.0.3.0, Culture=neutral, PublicKeyToken=" + Token, false)]
    [InlineData("System.Memory, Version=4.0.1.2, Culture=neutral, PublicKeyToken=" + Token, "System.Memory, Version=4.0.1.2, Culture=neutral, PublicKeyToken=0123456789abcdef", false)]
    public void The_shipped_copy_stands_in_only_for_the_same_assembly_at_the_same_or_an_older_version(string requested, string shipped, bool expected)
    {
        Assert.Equal(expected, DependencyResolver.Satisfies(new AssemblyName(requested), new AssemblyName(shipped)));
    }
}
