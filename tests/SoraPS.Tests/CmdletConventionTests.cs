using System;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using static SoraPS.Tests.CmdletMetadata;

namespace SoraPS.Tests;

public class CmdletConventionTests
{
    public static readonly string[] PublicContract =
    [
        "Connect-Sora", "Disconnect-Sora", "Get-SoraContext", "Get-SoraVideo", "Invoke-SoraRemix",
        "New-SoraVideo", "Remove-SoraVideo", "Save-SoraVideoContent", "Wait-SoraVideo",
        "Invoke-SoraEdit", "Invoke-SoraExtension", "New-SoraCharacter", "Get-SoraCharacter", "Invoke-SoraBatch",
    ];

    public static TheoryData<string> Commands() => new(CmdletTypes.Select(CommandName));

    [Fact]
    public void The_module_has_the_cmdlets_of_its_public_contract()
    {
        Assert.Equal(PublicContract.OrderBy(n => n), CmdletTypes.Select(CommandName).OrderBy(n => n));
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Each_cmdlet_uses_an_approved_verb_and_is_named_after_it(string command)
    {
        var type = Cmdlet(command);
        var approved = new[] { typeof(VerbsCommon), typeof(VerbsCommunications), typeof(VerbsData), typeof(VerbsDiagnostic), typeof(VerbsLifecycle), typeof(VerbsOther), typeof(VerbsSecurity) }
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet(StringComparer.Ordinal);

        Assert.Contains(command.Split('-')[0], approved);
        Assert.Equal(command.Replace("-", string.Empty, StringComparison.Ordinal) + "Command", type.Name);
        Assert.True(type.IsSealed && type.IsPublic, $"{type.Name} should be public sealed");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Each_cmdlet_declares_its_output_type(string command)
    {
        Assert.NotNull(Attribute(Cmdlet(command), "OutputTypeAttribute"));
    }

    [Theory]
    [InlineData("New-SoraVideo", "Medium")]
    [InlineData("Invoke-SoraRemix", "Medium")]
    [InlineData("Invoke-SoraEdit", "Medium")]
    [InlineData("Invoke-SoraExtension", "Medium")]
    [InlineData("New-SoraCharacter", "Medium")]
    [InlineData("Invoke-SoraBatch", "Medium")]
    [InlineData("Remove-SoraVideo", "High")]
    [InlineData("Save-SoraVideoContent", "Low")]
    public void Cmdlets_that_change_state_support_ShouldProcess(string command, string impact)
    {
        var cmdlet = Attribute(Cmdlet(command), "CmdletAttribute")!;

        Assert.True(Named<bool>(cmdlet, "SupportsShouldProcess"));
        Assert.Equal(Enum.Parse<ConfirmImpact>(impact), (ConfirmImpact)Named<int>(cmdlet, "ConfirmImpact"));
    }

    [Theory]
    [InlineData("Get-SoraVideo")]
    [InlineData("Wait-SoraVideo")]
    [InlineData("Get-SoraContext")]
    [InlineData("Connect-Sora")]
    [InlineData("Disconnect-Sora")]
    [InlineData("Get-SoraCharacter")]
    public void Cmdlets_that_change_nothing_on_the_server_do_not_claim_ShouldProcess(string command)
    {
        Assert.False(Named<bool>(Attribute(Cmdlet(command), "CmdletAttribute")!, "SupportsShouldProcess"));
    }

    [Fact]
    public void New_SoraVideo_takes_the_prompt_from_the_pipeline_and_csv_columns_by_name()
    {
        var prompt = ParameterAttributes(Parameter("New-SoraVideo", "Prompt")).Single();

        Assert.True(Named<bool>(prompt, "Mandatory"));
        Assert.Equal(0, Named<int>(prompt, "Position", int.MinValue));
        Assert.True(Named<bool>(prompt, "ValueFromPipeline"));
        Assert.True(Named<bool>(prompt, "ValueFromPipelineByPropertyName"));
        foreach (var name in new[] { "Model", "Seconds", "Size", "InputReference", "InputReferenceUri", "InputReferenceFileId" })
        {
            Assert.True(Named<bool>(ParameterAttributes(Parameter("New-SoraVideo", name)).Single(), "ValueFromPipelineByPropertyName"), name);
        }
    }

    [Fact]
    public void Invoke_SoraBatch_takes_each_row_whole_from_the_pipeline_and_reads_its_fields_itself()
    {
        // Hashtables do not bind by property name, so the row is taken as it is, whatever its type.
        var input = ParameterAttributes(Parameter("Invoke-SoraBatch", "InputObject")).Single();

        Assert.Equal(typeof(PSObject), Parameter("Invoke-SoraBatch", "InputObject").PropertyType);
        Assert.True(Named<bool>(input, "ValueFromPipeline"));
        Assert.False(Named<bool>(input, "ValueFromPipelineByPropertyName"));
        Assert.All(Parameters(Cmdlet("Invoke-SoraBatch")).Where(p => p.Name != "InputObject"), p =>
            Assert.All(ParameterAttributes(p), a => Assert.False(Named<bool>(a, "ValueFromPipelineByPropertyName"), p.Name)));
        Assert.True(Named<bool>(ParameterAttributes(Parameter("Invoke-SoraBatch", "OutputPath")).Single(), "Mandatory"));
    }

    [Theory]
    [InlineData("Invoke-SoraRemix")]
    [InlineData("Invoke-SoraEdit")]
    [InlineData("Invoke-SoraExtension")]
    public void Derived_jobs_never_take_their_prompt_from_the_piped_job(string command)
    {
        var prompt = ParameterAttributes(Parameter(command, "Prompt")).Single();
        var id = ParameterAttributes(Parameter(command, "Id")).Single();

        Assert.True(Named<bool>(prompt, "Mandatory"));
        Assert.False(Named<bool>(prompt, "ValueFromPipeline"));
        Assert.False(Named<bool>(prompt, "ValueFromPipelineByPropertyName"));
        Assert.True(Named<bool>(id, "ValueFromPipelineByPropertyName"));
    }

    [Fact]
    public void Invoke_SoraExtension_takes_the_seconds_to_add_only_from_the_command_line()
    {
        // A piped job has its own Seconds (its length so far): binding it would double the video.
        var seconds = Parameter("Invoke-SoraExtension", "Seconds");
        var attribute = ParameterAttributes(seconds).Single();

        Assert.Equal(typeof(string), seconds.PropertyType);
        Assert.True(Named<bool>(attribute, "Mandatory"));
        Assert.False(Named<bool>(attribute, "ValueFromPipelineByPropertyName"));
        Assert.NotNull(Attribute(seconds, "ArgumentCompleterAttribute"));
        Assert.Null(Attribute(seconds, "ValidateSetAttribute"));
    }

    [Fact]
    public void Invoke_SoraEdit_takes_a_job_or_a_video_file_but_not_both()
    {
        var id = ParameterAttributes(Parameter("Invoke-SoraEdit", "Id")).Single();
        var path = ParameterAttributes(Parameter("Invoke-SoraEdit", "VideoPath")).Single();
        var prompt = ParameterAttributes(Parameter("Invoke-SoraEdit", "Prompt")).Single();

        Assert.NotNull(Named<string>(id, "ParameterSetName"));
        Assert.NotNull(Named<string>(path, "ParameterSetName"));
        Assert.NotEqual(Named<string>(id, "ParameterSetName"), Named<string>(path, "ParameterSetName"));
        Assert.True(Named<bool>(path, "Mandatory"));
        Assert.Null(Named<string>(prompt, "ParameterSetName"));
    }

    [Fact]
    public void Get_SoraCharacter_takes_ids_from_the_pipeline_by_value_and_by_property_name()
    {
        var id = Parameter("Get-SoraCharacter", "Id");
        var attribute = ParameterAttributes(id).Single();

        Assert.Equal(typeof(string[]), id.PropertyType);
        Assert.True(Named<bool>(attribute, "ValueFromPipeline"));
        Assert.True(Named<bool>(attribute, "ValueFromPipelineByPropertyName"));
    }

    [Theory]
    [InlineData("Get-SoraVideo")]
    [InlineData("Wait-SoraVideo")]
    [InlineData("Save-SoraVideoContent")]
    [InlineData("Invoke-SoraRemix")]
    [InlineData("Invoke-SoraEdit")]
    [InlineData("Invoke-SoraExtension")]
    [InlineData("Remove-SoraVideo")]
    public void Id_binds_from_piped_jobs_by_property_name_and_has_the_VideoId_alias(string command)
    {
        var id = Parameter(command, "Id");
        var alias = Attribute(id, "AliasAttribute");

        Assert.All(ParameterAttributes(id), p => Assert.True(Named<bool>(p, "ValueFromPipelineByPropertyName")));
        Assert.NotNull(alias);
        Assert.Contains("VideoId", alias!.ConstructorArguments.SelectMany(a => a.Value is System.Collections.IEnumerable e && a.Value is not string ? e.Cast<CustomAttributeTypedArgument>().Select(x => (string)x.Value!) : [(string)a.Value!]));
        Assert.NotNull(Attribute(id, "ArgumentCompleterAttribute"));
    }

    [Theory]
    [InlineData("Wait-SoraVideo")]
    [InlineData("Save-SoraVideoContent")]
    public void Piped_jobs_bind_whole_so_their_status_is_known_without_a_request(string command)
    {
        var video = Parameter(command, "Video");

        Assert.Equal(typeof(SoraVideo[]), video.PropertyType);
        Assert.True(Named<bool>(ParameterAttributes(video).Single(), "ValueFromPipeline"));
    }

    [Theory]
    [InlineData("Model")]
    [InlineData("Seconds")]
    [InlineData("Size")]
    public void Open_values_complete_known_values_without_restricting_input(string parameter)
    {
        var property = Parameter("New-SoraVideo", parameter);

        Assert.Equal(typeof(string), property.PropertyType);
        Assert.NotNull(Attribute(property, "ArgumentCompleterAttribute"));
        Assert.Null(Attribute(property, "ValidateSetAttribute"));
    }

    [Fact]
    public void Connect_Sora_takes_the_key_only_as_a_SecureString()
    {
        Assert.Equal(typeof(System.Security.SecureString), Parameter("Connect-Sora", "ApiKey").PropertyType);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Each_cmdlet_disposes_its_cancellation_source(string command)
    {
        Assert.True(typeof(IDisposable).IsAssignableFrom(Cmdlet(command)));
        Assert.NotNull(Cmdlet(command).GetMethod("StopProcessing", BindingFlags.NonPublic | BindingFlags.Instance)!.DeclaringType);
    }
}
