using System;
using System.Collections.Generic;

namespace SoraPS.Core.Tests;

public class ConnectionTests
{
    [Fact]
    public void The_environment_supplies_key_base_organization_and_project()
    {
        var environment = new Dictionary<string, string>
        {
            ["OPENAI_API_KEY"] = "sk-env",
            ["OPENAI_BASE_URL"] = "https://gateway.example.com/v1",
            ["OPENAI_ORG_ID"] = "org-1",
            ["OPENAI_PROJECT_ID"] = "proj-1",
        };

        var connection = SoraConnection.FromEnvironment(name => environment.TryGetValue(name, out var value) ? value : null);

        Assert.True(connection.HasApiKey);
        Assert.Equal("sk-env", connection.RevealApiKey());
        Assert.Equal(new Uri("https://gateway.example.com/v1/"), connection.BaseUri);
        Assert.Equal("org-1", connection.Organization);
        Assert.Equal("proj-1", connection.Project);
        Assert.Equal("Environment", connection.Source);
    }

    [Fact]
    public void Explicit_values_win_over_the_environment()
    {
        using var key = TestEmulator.Secure("sk-explicit");
        var connection = SoraConnection.FromEnvironment(
            name => name == "OPENAI_API_KEY" ? "sk-env" : name == "OPENAI_BASE_URL" ? "https://env.example.com" : null,
            new SoraConnectionOptions { BaseUri = new Uri("http://127.0.0.1:5080/v1"), ApiKey = key });

        Assert.Equal("sk-explicit", connection.RevealApiKey());
        Assert.Equal(new Uri("http://127.0.0.1:5080/v1/"), connection.BaseUri);
    }

    [Fact]
    public void Without_anything_set_the_default_base_is_used_and_there_is_no_key()
    {
        var connection = SoraConnection.FromEnvironment(_ => null);

        Assert.False(connection.HasApiKey);
        Assert.Equal(SoraConnection.DefaultBaseUri, connection.BaseUri);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://example.com/v1")]
    [InlineData("/relative/v1")]
    public void A_base_that_is_not_absolute_http_is_refused(string value)
    {
        var error = Assert.Throws<ArgumentException>(() => SoraConnection.FromEnvironment(name => name == "OPENAI_BASE_URL" ? value : null));

        Assert.Contains("OPENAI_BASE_URL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_over_plain_http_to_another_host_is_refused_unless_allowed()
    {
        using var key = TestEmulator.Secure("sk-secret");

        var error = Assert.Throws<ArgumentException>(() => new SoraConnection(new SoraConnectionOptions { BaseUri = new Uri("http://gateway.example.com/v1"), ApiKey = key }));
        var allowed = new SoraConnection(new SoraConnectionOptions { BaseUri = new Uri("http://gateway.example.com/v1"), ApiKey = key, AllowInsecureHttp = true });
        var loopback = new SoraConnection(new SoraConnectionOptions { BaseUri = new Uri("http://127.0.0.1:5080/v1"), ApiKey = key });
        var keyless = new SoraConnection(new SoraConnectionOptions { BaseUri = new Uri("http://gateway.example.com/v1") });

        Assert.Contains("-AllowInsecureHttp", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-secret", error.Message, StringComparison.Ordinal);
        Assert.True(allowed.HasApiKey && loopback.HasApiKey && !keyless.HasApiKey);
    }

    [Fact]
    public void Timeouts_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SoraConnection(new SoraConnectionOptions { ConnectTimeout = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SoraConnection(new SoraConnectionOptions { MaxRetries = -1 }));
    }
}
