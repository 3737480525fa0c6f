# Opens a page in a real headless Chromium (or Chrome, or Edge) and reports what a reader would see:
# whether every image loaded, what the console said, and a screenshot. It speaks the DevTools protocol
# over a WebSocket on 127.0.0.1, so it needs nothing beyond the browser itself.

function Find-Chromium {
    <#
    .SYNOPSIS
        The path of a Chromium-based browser on this machine, or nothing.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()

    foreach ($name in 'chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome', 'msedge') {
        $command = Get-Command $name -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if ($command) { return $command.Source }
    }

    # Windows and macOS install their browsers off PATH.
    $installed = @(
        foreach ($folder in $env:ProgramFiles, ${env:ProgramFiles(x86)}, $env:LOCALAPPDATA | Where-Object { $_ }) {
            Join-Path $folder 'Google\Chrome\Application\chrome.exe'
            Join-Path $folder 'Microsoft\Edge\Application\msedge.exe'
        }
        '/Applications/Chromium.app/Contents/MacOS/Chromium'
        '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'
    )
    $installed | Where-Object { Test-Path -LiteralPath $_ -PathType Leaf } | Select-Object -First 1
}

function Receive-DevToolsMessage {
    param([System.Net.WebSockets.ClientWebSocket] $Socket, [datetime] $Deadline)

    $buffer = New-Object byte[] 65536
    $text = New-Object System.Text.StringBuilder
    do {
        $left = $Deadline - [datetime]::UtcNow
        if ($left -le [timespan]::Zero) { throw 'The browser did not answer in time.' }
        $timeout = New-Object System.Threading.CancellationTokenSource $left
        try {
            $segment = New-Object System.ArraySegment[byte] -ArgumentList @(, $buffer)
            $result = $Socket.ReceiveAsync($segment, $timeout.Token).GetAwaiter().GetResult()
        }
        finally { $timeout.Dispose() }
        $null = $text.Append([System.Text.Encoding]::UTF8.GetString($buffer, 0, $result.Count))
    } while (-not $result.EndOfMessage)
    $text.ToString() | ConvertFrom-Json
}

function Invoke-PageCheck {
    <#
    .SYNOPSIS
        Loads a local HTML file in headless Chromium and returns its images' load states, the console's
        messages (errors of loading included) and, with -ScreenshotPath, a full-page PNG.
    .OUTPUTS
        An object with Title, Images (Src, Complete, NaturalWidth), Videos (Src, ReadyState, Duration, VideoWidth,
        Failed), Console (Level, Source, Text) and Screenshot.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Path,
        [string] $Browser = (Find-Chromium),
        [string] $ScreenshotPath,
        [int] $Width = 1280,
        [int] $TimeoutSec = 60
    )

    if (-not $Browser) { throw 'No Chromium-based browser found.' }
    $profileDir = Join-Path ([System.IO.Path]::GetTempPath()) ('sorapsbrowser' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory $profileDir
    $arguments = @(
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', "--user-data-dir=$profileDir", "--window-size=$Width,900",
        '--remote-debugging-address=127.0.0.1', '--remote-debugging-port=0', 'about:blank'
    )
    $start = New-Object System.Diagnostics.ProcessStartInfo $Browser
    $start.Arguments = ($arguments | ForEach-Object { '"' + $_ + '"' }) -join ' '
    $start.UseShellExecute = $false
    $start.RedirectStandardError = $true
    $start.RedirectStandardOutput = $true
    $process = [System.Diagnostics.Process]::Start($start)
    $socket = $null
    try {
        $deadline = [datetime]::UtcNow.AddSeconds($TimeoutSec)
        # The browser writes the port it chose into its profile folder.
        $portFile = Join-Path $profileDir 'DevToolsActivePort'
        while (-not (Test-Path $portFile) -or -not (Get-Content $portFile -ErrorAction SilentlyContinue)) {
            if ([datetime]::UtcNow -gt $deadline -or $process.HasExited) { throw "The browser did not start: $($process.StandardError.ReadToEnd())" }
            Start-Sleep -Milliseconds 100
        }
        $port = [int] (Get-Content $portFile)[0]
        $page = $null
        while (-not $page) {
            # Invoke-RestMethod writes a JSON array as one object: its items are taken one by one.
            $page = foreach ($target in (Invoke-RestMethod "http://127.0.0.1:$port/json/list")) { if ($target.type -eq 'page') { $target } }
            $page = @($page) | Select-Object -First 1
            if (-not $page) {
                if ([datetime]::UtcNow -gt $deadline) { throw 'The browser opened no page.' }
                Start-Sleep -Milliseconds 100
            }
        }

        $socket = New-Object System.Net.WebSockets.ClientWebSocket
        $socket.ConnectAsync([uri] $page.webSocketDebuggerUrl, [System.Threading.CancellationToken]::None).GetAwaiter().GetResult()
        $script:nextId = 0
        $console = [System.Collections.Generic.List[object]]::new()
        $send = {
            param([string] $Method, [hashtable] $Params = @{})
            $script:nextId++
            $id = $script:nextId
            $json = @{ id = $id; method = $Method; params = $Params } | ConvertTo-Json -Depth 10 -Compress
            $bytes = [System.Text.Encoding]::UTF8.GetBytes($json)
            $segment = New-Object System.ArraySegment[byte] -ArgumentList @(, $bytes)
            $socket.SendAsync($segment, [System.Net.WebSockets.WebSocketMessageType]::Text, $true, [System.Threading.CancellationToken]::None).GetAwaiter().GetResult()
            # Events that arrive meanwhile are kept: console messages and load errors among them.
            while ($true) {
                $message = Receive-DevToolsMessage $socket $deadline
                if ($message.PSObject.Properties['id'] -and $message.id -eq $id) {
                    if ($message.PSObject.Properties['error']) { throw "$Method failed: $($message.error.message)" }
                    return $message.result
                }
                switch ($message.method) {
                    'Runtime.consoleAPICalled' {
                        $console.Add([pscustomobject]@{ Level = $message.params.type; Source = 'console'; Text = ($message.params.args | ForEach-Object { $_.value }) -join ' ' })
                    }
                    'Runtime.exceptionThrown' {
                        $console.Add([pscustomobject]@{ Level = 'error'; Source = 'exception'; Text = $message.params.exceptionDetails.text })
                    }
                    'Log.entryAdded' {
                        $entry = $message.params.entry
                        $console.Add([pscustomobject]@{ Level = $entry.level; Source = $entry.source; Text = "$($entry.text) $($entry.url)".Trim() })
                    }
                    'Page.loadEventFired' { $script:loaded = $true }
                }
            }
        }

        $script:loaded = $false
        $null = & $send 'Runtime.enable'
        $null = & $send 'Log.enable'
        $null = & $send 'Page.enable'
        $url = [System.Uri]::new((Resolve-Path -LiteralPath $Path).ProviderPath, [System.UriKind]::Absolute).AbsoluteUri
        $null = & $send 'Page.navigate' @{ url = $url }
        while (-not $script:loaded) {
            # Wait for the load event, collecting what the page says on the way.
            $null = & $send 'Runtime.evaluate' @{ expression = 'document.readyState'; returnByValue = $true }
            if (-not $script:loaded) { Start-Sleep -Milliseconds 100 }
        }

        # A script of ours, run by the browser's debugger: the page itself may run none. Videos load their
        # metadata after the page's load event, so the probe is asked again until each video has it or failed.
        $probe = 'JSON.stringify({ title: document.title, height: document.documentElement.scrollHeight, ' +
            'images: Array.from(document.images, i => ({ src: i.getAttribute("src"), complete: i.complete, naturalWidth: i.naturalWidth })), ' +
            'videos: Array.from(document.querySelectorAll("video"), v => ({ src: v.getAttribute("src"), readyState: v.readyState, duration: v.duration, videoWidth: v.videoWidth, failed: v.error !== null })) })'
        do {
            $state = (& $send 'Runtime.evaluate' @{ expression = $probe; returnByValue = $true }).result.value | ConvertFrom-Json
            $waiting = @($state.videos | Where-Object { $_.readyState -lt 1 -and -not $_.failed }).Count -gt 0
            if ($waiting) { Start-Sleep -Milliseconds 100 }
        } while ($waiting -and [datetime]::UtcNow -lt $deadline)
        if ($ScreenshotPath) {
            $height = [Math]::Min([int] $state.height, 8000)
            $null = & $send 'Emulation.setDeviceMetricsOverride' @{ width = $Width; height = $height; deviceScaleFactor = 1; mobile = $false }
            $shot = & $send 'Page.captureScreenshot' @{ format = 'png'; captureBeyondViewport = $true }
            [System.IO.File]::WriteAllBytes($ScreenshotPath, [Convert]::FromBase64String($shot.data))
        }

        [pscustomobject]@{
            Title      = $state.title
            Images     = @($state.images | ForEach-Object { [pscustomobject]@{ Src = $_.src; Complete = $_.complete; NaturalWidth = $_.naturalWidth } })
            Videos     = @($state.videos | ForEach-Object { [pscustomobject]@{ Src = $_.src; ReadyState = $_.readyState; Duration = $_.duration; VideoWidth = $_.videoWidth; Failed = $_.failed } })
            Console    = $console.ToArray()
            Screenshot = $ScreenshotPath
        }
    }
    finally {
        if ($socket) {
            try { $null = & $send 'Browser.close' } catch { Write-Verbose "Browser.close: $_" }
            $socket.Dispose()
        }
        if (-not $process.WaitForExit(10000)) {
            # The browser's child processes (renderer, GPU, zygote) go with it where .NET can end a tree.
            if ($process.PSObject.Methods['Kill'].OverloadDefinitions -match 'bool entireProcessTree') { $process.Kill($true) } else { $process.Kill() }
            $null = $process.WaitForExit(10000)
        }
        $process.Dispose()
        Remove-Item -Recurse -Force $profileDir -ErrorAction SilentlyContinue
    }
}

Export-ModuleMember -Function Find-Chromium, Invoke-PageCheck
