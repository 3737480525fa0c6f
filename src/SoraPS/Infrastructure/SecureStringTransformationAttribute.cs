using System.Management.Automation;
using System.Security;

namespace SoraPS.Infrastructure;

/// <summary>
/// Lets a SecureString parameter also take a plain string: Get-AzAccessToken's Token is a SecureString
/// from Az.Accounts 5 on, and a string before. The string is not kept.
/// </summary>
public sealed class SecureStringTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        if (value is not string text)
        {
            return value;
        }

        var secure = new SecureString();
        foreach (var c in text)
        {
            secure.AppendChar(c);
        }

        secure.MakeReadOnly();
        return secure;
    }
}
