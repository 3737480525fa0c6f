using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using static SoraPS.Tests.CmdletMetadata;

namespace SoraPS.Tests;

/// <summary>
/// The files around the code that must follow it: the manifest, the help pages, and the compiled help
/// that ships with the module (kept in the repository so builders without PlatyPS ship help too).
/// </summary>
public class ModuleConsistencyTests
{
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";

    private static string Root => RepositoryRoot();

    private static string Section(string text, string start, string end)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal) + start.Length;
        var to = text.IndexOf(end, from, StringComparison.Ordinal);
        return text.Substring(from, to - from);
    }

    [Fact]
    public void The_manifest_exports_exactly_the_cmdlets_in_the_assembly()
    {
        var manifest = File.ReadAllText(Path.Combine(Root, "SoraPS.psd1"));
        var block = Regex.Match(manifest, @"CmdletsToExport\s*=\s*@\((?<names>[^)]*)\)").Groups["names"].Value;
        var exported = Regex.Matches(block, "'([^']+)'").Select(m => m.Groups[1].Value).OrderBy(n => n);

        Assert.Equal(CmdletTypes.Select(CommandName).OrderBy(n => n), exported);
    }

    [Fact]
    public void The_manifest_declares_both_editions_and_the_version_of_the_build()
    {
        var manifest = File.ReadAllText(Path.Combine(Root, "SoraPS.psd1"));
        var props = XDocument.Load(Path.Combine(Root, "Directory.Build.props"));
        var version = props.Descendants("ModuleVersion").Single().Value;

        Assert.Matches(@"CompatiblePSEditions\s*=\s*@\('Desktop',\s*'Core'\)", manifest);
        Assert.Matches(@"PowerShellVersion\s*=\s*'5\.1'", manifest);
        Assert.Contains($"ModuleVersion          = '{version}'", manifest, StringComparison.Ordinal);
    }

    public static TheoryData<string> Commands() => new(CmdletTypes.Select(CommandName));

    [Theory]
    [MemberData(nameof(Commands))]
    public void Each_cmdlet_has_a_help_page_with_a_synopsis_every_parameter_and_two_examples(string command)
    {
        var page = Path.Combine(Root, "docs", "en-US", command + ".md");
        Assert.True(File.Exists(page), $"{page} is missing");
        var text = File.ReadAllText(page);

        Assert.Contains("external help file: SoraPS.dll-Help.xml", text, StringComparison.Ordinal);
        Assert.Matches(@"## SYNOPSIS\s+\S", text);
        Assert.True(Regex.Count(text, @"^### Example \d+", RegexOptions.Multiline) >= 2, $"{command} needs two examples");
        foreach (var parameter in Parameters(Cmdlet(command)))
        {
            Assert.Contains("### -" + parameter.Name + "\n", text.Replace("\r\n", "\n"), StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void The_compiled_help_matches_the_markdown(string command)
    {
        var markdown = File.ReadAllText(Path.Combine(Root, "docs", "en-US", command + ".md")).Replace("\r\n", "\n");
        var help = XDocument.Load(Path.Combine(Root, "src", "SoraPS", "en-US", "SoraPS.dll-Help.xml"));
        var entry = help.Descendants(Command + "command")
            .SingleOrDefault(c => c.Element(Command + "details")?.Element(Command + "name")?.Value == command);

        Assert.True(entry is not null, $"{command} is missing from the compiled help: run ./build.ps1 -Task Docs");
        var compiledParameters = entry!.Element(Command + "parameters")?.Elements(Command + "parameter")
            .Select(p => p.Element(Maml + "name")!.Value).OrderBy(n => n).ToArray() ?? [];
        var documentedParameters = Regex.Matches(markdown, @"^### -(\w+)$", RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value).Where(n => n is not "WhatIf" and not "Confirm").OrderBy(n => n).ToArray();
        var compiledExamples = entry.Element(Command + "examples")?.Elements(Command + "example").Count() ?? 0;
        var documentedExamples = Regex.Count(markdown, @"^### Example \d+", RegexOptions.Multiline);
        var synopsis = Regex.Match(markdown, @"## SYNOPSIS\s+(.+)").Groups[1].Value.Trim();

        Assert.Equal(documentedParameters, compiledParameters.Where(n => n is not "WhatIf" and not "Confirm").ToArray());
        Assert.Equal(documentedExamples, compiledExamples);
        Assert.Equal(synopsis, entry.Element(Command + "details")!.Element(Maml + "description")!.Value.Trim());

        // Get-Help shows an example's code as written: no markdown fences, no stray characters.
        XNamespace dev = "http://schemas.microsoft.com/maml/dev/2004/10";
        Assert.All(entry.Element(Command + "examples")!.Elements(Command + "example"), example =>
        {
            var code = example.Element(dev + "code")?.Value ?? string.Empty;
            Assert.False(string.IsNullOrWhiteSpace(code), $"an example of {command} has no code");
            Assert.DoesNotContain("```", example.Value, StringComparison.Ordinal);
            Assert.DoesNotContain('\u0080', example.Value);
        });
    }

    /// <summary>
    /// Get-Help shows the compiled help, so its long description and its examples (title, code and
    /// text) must be the markdown's, word for word: where PlatyPS cannot run, the MAML is edited by hand.
    /// </summary>
    [Theory]
    [MemberData(nameof(Commands))]
    public void The_compiled_description_and_examples_are_the_markdowns(string command)
    {
        var markdown = File.ReadAllText(Path.Combine(Root, "docs", "en-US", command + ".md")).Replace("\r\n", "\n");
        var help = XDocument.Load(Path.Combine(Root, "src", "SoraPS", "en-US", "SoraPS.dll-Help.xml"));
        XNamespace dev = "http://schemas.microsoft.com/maml/dev/2004/10";
        var entry = help.Descendants(Command + "command")
            .Single(c => c.Element(Command + "details")?.Element(Command + "name")?.Value == command);

        var description = Section(markdown, "## DESCRIPTION\n", "\n## EXAMPLES").Trim('\n');
        Assert.Equal(description, entry.Element(Maml + "description")!.Element(Maml + "para")!.Value);

        var examples = Regex.Matches(Section(markdown, "## EXAMPLES\n", "\n## PARAMETERS"), @"### (Example \d+: [^\n]*)\n(.*?)(?=\n### Example \d+|\z)", RegexOptions.Singleline);
        var compiled = entry.Element(Command + "examples")!.Elements(Command + "example").ToArray();
        Assert.Equal(examples.Count, compiled.Length);
        for (var i = 0; i < examples.Count; i++)
        {
            var body = examples[i].Groups[2].Value;
            var code = string.Join("\n\n", Regex.Matches(body, @"```[A-Za-z]*\n(.*?)\n```", RegexOptions.Singleline).Select(m => m.Groups[1].Value));
            var remarks = Regex.Split(Regex.Replace(body, @"```[A-Za-z]*\n.*?\n```", string.Empty, RegexOptions.Singleline).Trim(), @"\n\s*\n")
                .Select(p => p.Trim()).Where(p => p.Length > 0);
            Assert.Equal($"--------- {examples[i].Groups[1].Value} ---------", compiled[i].Element(Maml + "title")!.Value);
            Assert.Equal(code, compiled[i].Element(dev + "code")!.Value);
            Assert.Equal(remarks, compiled[i].Element(dev + "remarks")!.Elements(Maml + "para").Select(p => p.Value));
        }
    }

    [Fact]
    public void The_compiled_help_has_no_cmdlet_the_module_lacks()
    {
        var help = XDocument.Load(Path.Combine(Root, "src", "SoraPS", "en-US", "SoraPS.dll-Help.xml"));
        var compiled = help.Descendants(Command + "command").Select(c => c.Element(Command + "details")!.Element(Command + "name")!.Value);

        Assert.Equal(CmdletTypes.Select(CommandName).OrderBy(n => n), compiled.OrderBy(n => n));
    }

    [Fact]
    public void The_about_topic_ships_compiled()
    {
        var about = Path.Combine(Root, "src", "SoraPS", "en-US", "about_SoraPS.help.txt");

        Assert.True(File.Exists(about));
        Assert.StartsWith("TOPIC", File.ReadAllText(about).TrimStart('\uFEFF'), StringComparison.Ordinal);
    }
}
