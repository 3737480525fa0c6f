# Runs the emulator as a process on a free loopback port and talks to its control routes
# (/_emulator/...). Used by build.ps1 -Task Demo and by the Pester suites.

$script:RepositoryRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:EmulatorBuild = Join-Path $script:RepositoryRoot 'out/emulator'
$script:Built = $false

function Start-Emulator {
    [CmdletBinding()]
    param(
        [double] $RenderSeconds = 3,
        [int] $PollAfterMs = 50,
        [string] $ApiKey,
        # Authorization (Bearer) by default; api-key for Azure, or a gateway's own header.
        [string] $ApiKeyHeader,
        [int] $Seed = 0,
        # Behave like a gateway in front of another provider (free-form sizes, pending/processing).
        [switch] $Gateway,
        # Headers every request must carry, as some gateways require.
        [hashtable] $RequireHeader,
        # The server to behave like (see the emulator's README.md); openai is OpenAI's own API.
        [ValidateSet('openai', 'litellm-openai', 'litellm-gemini', 'litellm-runway')]
        [string] $Profile = 'openai'
    )

    # Built once per import (an incremental build when nothing changed), so a stale build never runs.
    $dll = Join-Path $script:EmulatorBuild 'SoraPS.Emulator.dll'
    if (-not $script:Built) {
        & dotnet build (Join-Path $script:RepositoryRoot 'src/SoraPS.Emulator') -c Release -o $script:EmulatorBuild --nologo | Out-Null
        if ($LASTEXITCODE -ne 0) { throw 'The emulator did not build.' }
        $script:Built = $true
    }

    $arguments = @($dll, '--urls', 'http://127.0.0.1:0', '--render-seconds', $RenderSeconds.ToString([cultureinfo]::InvariantCulture),
        '--poll-after-ms', "$PollAfterMs", '--seed', "$Seed", '--profile', $Profile)
    if ($ApiKey) { $arguments += @('--api-key', $ApiKey) }
    if ($ApiKeyHeader) { $arguments += @('--api-key-header', $ApiKeyHeader) }
    if ($Gateway) { $arguments += '--gateway' }
    if ($RequireHeader) {
        foreach ($name in $RequireHeader.Keys) { $arguments += @('--require-header', "$name=$($RequireHeader[$name])") }
    }

    # One quoted string: ProcessStartInfo.ArgumentList does not exist on .NET Framework (Windows PowerShell).
    $start = New-Object System.Diagnostics.ProcessStartInfo 'dotnet'
    $start.Arguments = ($arguments | ForEach-Object { '"' + ($_ -replace '"', '\"') + '"' }) -join ' '
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($start)

    # The first line names the base URL, with the port the system chose.
    $line = $process.StandardOutput.ReadLine()
    if ($line -notmatch '(http://127\.0\.0\.1:\d+/v1/)') {
        $process.Kill()
        throw "The emulator did not start: $line $($process.StandardError.ReadToEnd())"
    }

    $base = $Matches[1]
    [pscustomobject]@{
        Process = $process
        BaseUri = $base.TrimEnd('/')
        Root    = $base -replace '/v1/$', ''
    }
}

function Stop-Emulator {
    param([Parameter(Mandatory)] $Emulator)
    if (-not $Emulator.Process.HasExited) { $Emulator.Process.Kill() }
    $Emulator.Process.Dispose()
}

function Get-EmulatorRequest {
    param([Parameter(Mandatory)] $Emulator)
    # Invoke-RestMethod writes a JSON array as one object; the caller wants its items.
    foreach ($request in (Invoke-RestMethod "$($Emulator.Root)/_emulator/requests")) { $request }
}

function Clear-EmulatorRequest {
    param([Parameter(Mandatory)] $Emulator)
    $null = Invoke-RestMethod -Method Delete "$($Emulator.Root)/_emulator/requests"
}

function Get-EmulatorStats {
    param([Parameter(Mandatory)] $Emulator)
    Invoke-RestMethod "$($Emulator.Root)/_emulator/stats"
}

function Add-EmulatorFault {
    param([Parameter(Mandatory)] $Emulator, [Parameter(Mandatory)] [hashtable] $Fault)
    $null = Invoke-RestMethod -Method Post "$($Emulator.Root)/_emulator/faults" -ContentType 'application/json' -Body ($Fault | ConvertTo-Json -Depth 5)
}

Export-ModuleMember -Function Start-Emulator, Stop-Emulator, Get-EmulatorRequest, Clear-EmulatorRequest, Get-EmulatorStats, Add-EmulatorFault
