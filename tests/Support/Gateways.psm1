# Real gateways for the gateway suites (tests/Gateways): installing them, and running them only where
# that is safe. Portkey listens on every interface and has no option to bind loopback only, so it runs
# only inside a private network namespace that has nothing but loopback (unshare --net), together with
# the emulator and the PowerShell that talks to it. build.ps1 -Task Test starts that namespace.

$script:RepositoryRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:PortkeyHome = Join-Path $script:RepositoryRoot 'out/gateways/portkey'

function Install-Portkey {
    <#
    .SYNOPSIS
        Installs the pinned Portkey gateway (tests/Gateways/Portkey/package.json) into out/gateways/portkey with npm.
    .DESCRIPTION
        @hono/node-server is held at 1.13.5 by an npm override: with the newer version npm would pick,
        every 2xx answer becomes a 500 (Portkey issue #1389). No lockfile is written: the versions are
        pinned in package.json, and npm resolves through the machine's own configuration.
    #>
    [CmdletBinding()]
    param()

    $manifest = Join-Path $script:RepositoryRoot 'tests/Gateways/Portkey/package.json'
    $installed = Join-Path $script:PortkeyHome 'node_modules/@portkey-ai/gateway/package.json'
    $copy = Join-Path $script:PortkeyHome 'package.json'
    if ((Test-Path $installed) -and (Test-Path $copy) -and ((Get-FileHash $copy).Hash -eq (Get-FileHash $manifest).Hash)) {
        return $script:PortkeyHome
    }

    if (-not (Get-Command npm -ErrorAction SilentlyContinue)) { throw 'npm is not on PATH: the Portkey gateway cannot be installed.' }
    $null = New-Item -ItemType Directory -Force $script:PortkeyHome
    Copy-Item $manifest $copy -Force
    Push-Location $script:PortkeyHome
    try {
        & npm install --no-package-lock --no-audit --no-fund --loglevel=error | Out-Host
        if ($LASTEXITCODE -ne 0) { throw "npm install of the Portkey gateway failed with exit code $LASTEXITCODE." }
    }
    finally {
        Pop-Location
    }

    $server = (Get-Content -Raw (Join-Path $script:PortkeyHome 'node_modules/@hono/node-server/package.json') | ConvertFrom-Json).version
    if ($server -ne '1.13.5') { throw "@hono/node-server is $server, not the 1.13.5 that Portkey needs." }
    $script:PortkeyHome
}

function Test-PrivateNetwork {
    <#
    .SYNOPSIS
        True when this process sees no network interface but loopback: a private namespace where a
        program that listens on every interface can reach, and be reached by, nothing else.
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param()

    $interfaces = @([System.Net.NetworkInformation.NetworkInterface]::GetAllNetworkInterfaces())
    $interfaces.Count -gt 0 -and -not ($interfaces | Where-Object {
            $_.NetworkInterfaceType -ne [System.Net.NetworkInformation.NetworkInterfaceType]::Loopback
        })
}

function Get-FreeLoopbackPort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Start-Portkey {
    <#
    .SYNOPSIS
        Starts the installed Portkey gateway on a free port, and refuses to outside a private network namespace.
    #>
    [CmdletBinding()]
    param()

    if (-not (Test-PrivateNetwork)) {
        throw 'Portkey listens on every interface: it runs only inside a private network namespace with nothing but loopback (unshare --net).'
    }

    $script = Join-Path $script:PortkeyHome 'node_modules/@portkey-ai/gateway/build/start-server.js'
    if (-not (Test-Path $script)) { throw "Portkey is not installed in $script:PortkeyHome: run Install-Portkey first, outside the namespace." }

    $port = Get-FreeLoopbackPort
    $start = New-Object System.Diagnostics.ProcessStartInfo 'node'
    $start.Arguments = """$script"" --port=$port --headless"
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($start)
    $output = [System.Collections.Concurrent.ConcurrentQueue[string]]::new()
    $null = Register-ObjectEvent -InputObject $process -EventName OutputDataReceived -MessageData $output -Action { if ($EventArgs.Data) { $Event.MessageData.Enqueue($EventArgs.Data) } }
    $null = Register-ObjectEvent -InputObject $process -EventName ErrorDataReceived -MessageData $output -Action { if ($EventArgs.Data) { $Event.MessageData.Enqueue($EventArgs.Data) } }
    $process.BeginOutputReadLine()
    $process.BeginErrorReadLine()

    # Ready when it answers; its own 400 for a request without a provider header is an answer.
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while ($true) {
        if ($process.HasExited) { throw "Portkey exited with code $($process.ExitCode): $(@($output) -join ' ')" }
        try {
            $client = [System.Net.Sockets.TcpClient]::new()
            $client.Connect([System.Net.IPAddress]::Loopback, $port)
            $client.Dispose()
            break
        }
        catch {
            if ([DateTime]::UtcNow -gt $deadline) { $process.Kill(); throw "Portkey did not listen on port $port within 60 s: $(@($output) -join ' ')" }
            Start-Sleep -Milliseconds 200
        }
    }

    [pscustomobject]@{
        Process = $process
        Port    = $port
        BaseUri = "http://127.0.0.1:$port/v1"
        Output  = $output
    }
}

function Stop-Portkey {
    param([Parameter(Mandatory)] $Portkey)
    if (-not $Portkey.Process.HasExited) { $Portkey.Process.Kill() }
    $Portkey.Process.Dispose()
}

Export-ModuleMember -Function Install-Portkey, Test-PrivateNetwork, Start-Portkey, Stop-Portkey
