# How to start a fresh process of the PowerShell that is running now, with the same edition and build.
# Under the .NET tool (`dotnet pwsh`) the process is the dotnet host: its path names dotnet, and the
# PowerShell itself is the entry assembly (pwsh.dll) that dotnet was given. Windows PowerShell 5.1 and
# an installed pwsh are their own executables.

function Get-PowerShellCommand {
    <#
    .SYNOPSIS
        The executable and leading arguments that start this PowerShell again.
    .OUTPUTS
        An array: the executable first, then any arguments that must precede the script's own.
    #>
    [CmdletBinding()]
    [OutputType([string[]])]
    param()

    $executable = (Get-Process -Id $PID).Path
    if ([System.IO.Path]::GetFileNameWithoutExtension($executable) -eq 'dotnet') {
        # `dotnet pwsh.dll` is what the tool's shim runs.
        $entry = [System.Reflection.Assembly]::GetEntryAssembly().Location
        return @($executable, $entry)
    }

    , @($executable)
}

function Invoke-PowerShell {
    <#
    .SYNOPSIS
        Runs arguments in a fresh process of this PowerShell and returns its output; $LASTEXITCODE is its exit code.
    #>
    [CmdletBinding()]
    param([Parameter(ValueFromRemainingArguments)] [string[]] $ArgumentList)

    $command = Get-PowerShellCommand
    $executable = $command[0]
    $prefix = @($command | Select-Object -Skip 1)
    & $executable @prefix @ArgumentList
}

Export-ModuleMember -Function Get-PowerShellCommand, Invoke-PowerShell
