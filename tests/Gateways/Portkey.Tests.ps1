#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# The whole workflow through a real Portkey gateway (npm @portkey-ai/gateway, pinned in
# Portkey/package.json) in front of the emulator. Portkey listens on every interface, so this suite runs
# only inside a private network namespace with nothing but loopback: build.ps1 -Task Test installs
# Portkey outside it, then runs this file under `unshare --net`. Start-Portkey refuses to run elsewhere.
#
# What Portkey does to the traffic (GATEWAYS.md): it needs x-portkey-provider and, for any server but
# OpenAI's, x-portkey-custom-host; answers lose Content-Length; multipart bodies are re-encoded; a 206
# body is decoded as text and re-encoded, so a resumed download arrives longer than announced; its own
# errors are {"status":"failure","message"}.

BeforeAll {
    $script:root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    Import-Module (Join-Path $root 'out/SoraPS/SoraPS.psd1') -Force -ErrorAction Stop
    Import-Module (Join-Path $root 'src/SoraPS.Emulator/EmulatorProcess.psm1') -Force
    Import-Module (Join-Path $root 'tests/Support/Gateways.psm1') -Force
    $script:emulator = Start-Emulator -RenderSeconds 0.5 -PollAfterMs 50
    $script:portkey = Start-Portkey
    $script:route = @{ 'x-portkey-provider' = 'openai'; 'x-portkey-custom-host' = $emulator.BaseUri }
    Connect-Sora -BaseUri $portkey.BaseUri -Header $route
    $script:work = Join-Path ([System.IO.Path]::GetTempPath()) ('sorapsportkey' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory $work

    # The SHA-256 of what the emulator itself serves, fetched around the gateway.
    function script:Get-DirectContentHash([string] $Id, [string] $Variant = 'video') {
        $file = Join-Path $work ([guid]::NewGuid().ToString('N'))
        Invoke-WebRequest "$($emulator.BaseUri)/videos/$([uri]::EscapeDataString($Id))/content?variant=$Variant" -OutFile $file
        try { (Get-FileHash $file -Algorithm SHA256).Hash } finally { Remove-Item $file }
    }
}

AfterAll {
    Disconnect-Sora
    if ($portkey) { Stop-Portkey $portkey }
    if ($emulator) { Stop-Emulator $emulator }
    if ($work -and (Test-Path $work)) { Remove-Item -Recurse -Force $work }
}

Describe 'The whole workflow through a real Portkey gateway' {
    It 'runs in a network namespace that has nothing but loopback' {
        Test-PrivateNetwork | Should -BeTrue
        $portkey.Process.HasExited | Should -BeFalse
    }

    It 'creates jobs from a CSV, waits for them and saves every variant, byte for byte' {
        $csv = Join-Path $work 'prompts.csv'
        @(
            [pscustomobject]@{ Prompt = 'A calico cat playing a piano'; Seconds = '4'; Size = '1280x720' }
            [pscustomobject]@{ Prompt = 'A paper boat in the rain'; Seconds = '8'; Size = '720x1280' }
            [pscustomobject]@{ Prompt = 'A skyline from dusk to night'; Seconds = ''; Size = '' }
        ) | Export-Csv -Path $csv -NoTypeInformation
        $out = Join-Path $work 'csv'

        $videos = @(Import-Csv $csv | New-SoraVideo | Wait-SoraVideo -PollIntervalSec 0.1)
        $files = @($videos | Save-SoraVideoContent -Path $out -Variant Video, Thumbnail, Spritesheet -PassThru)

        $videos | Should -HaveCount 3
        $videos.Status | Should -Be @('completed', 'completed', 'completed')
        $files | Should -HaveCount 9
        foreach ($video in $videos) {
            foreach ($variant in @{ video = '.mp4'; thumbnail = '.thumbnail.webp'; spritesheet = '.spritesheet.jpg' }.GetEnumerator()) {
                $file = $files | Where-Object Name -eq "$($video.Id)$($variant.Value)"
                $file | Should -Not -BeNullOrEmpty
                (Get-FileHash $file.FullName -Algorithm SHA256).Hash | Should -Be (Get-DirectContentHash $video.Id $variant.Key)
            }
        }
    }

    It 'lists every job, page by page, through the gateway' {
        $expected = (Get-EmulatorStats $emulator).jobs

        $all = @(Get-SoraVideo -All -Limit 2)

        $all | Should -HaveCount $expected
        ($all.Id | Sort-Object -Unique) | Should -HaveCount $expected
    }

    It 'remixes a finished video' {
        $source = New-SoraVideo 'A lighthouse at dawn' | Wait-SoraVideo -PollIntervalSec 0.1

        $remix = $source | Invoke-SoraRemix -Prompt 'The same lighthouse at night' | Wait-SoraVideo -PollIntervalSec 0.1

        $remix.Status | Should -Be 'completed'
        $remix.RemixedFromVideoId | Should -Be $source.Id
    }

    It 'deletes finished jobs' {
        $video = New-SoraVideo 'Soon gone' | Wait-SoraVideo -PollIntervalSec 0.1

        $deletion = $video | Remove-SoraVideo -Force -PassThru
        Get-SoraVideo -Id $video.Id -ErrorVariable failures -ErrorAction SilentlyContinue

        $deletion.Deleted | Should -BeTrue
        $failures | Should -HaveCount 1
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'continues a cut download with a range request' {
        # Past the sample's frames the synthetic video is zeros, which Portkey's text round trip keeps intact.
        $video = New-SoraVideo "A long take #bytes=$(3MB)" | Wait-SoraVideo -PollIntervalSec 0.1
        $out = Join-Path $work 'resume'
        Add-EmulatorFault $emulator @{ method = 'GET'; pathPattern = '/v1/videos/*/content'; kind = 'truncate'; afterBytes = 1MB }

        $video | Save-SoraVideoContent -Path $out -Resume -ErrorVariable broken -ErrorAction SilentlyContinue
        $kept = Get-Item -Force (Join-Path $out ".$($video.Id).mp4.partial")
        Clear-EmulatorRequest $emulator
        $file = $video | Save-SoraVideoContent -Path $out -Resume -PassThru

        $broken | Should -HaveCount 1
        $broken[0].Exception.Message | Should -Match 'run the command again with -Resume'
        $kept.Length | Should -Be 1MB
        $requests = @(Get-EmulatorRequest $emulator | Where-Object path -like '*/content')
        $requests | Should -HaveCount 1
        $requests[0].headers.Range | Should -Be "bytes=$(1MB)-"
        (Get-FileHash $file.FullName -Algorithm SHA256).Hash | Should -Be (Get-DirectContentHash $video.Id)
        @(Get-ChildItem -Force $out) | Should -HaveCount 1
    }

    It 'fetches a cut download whole when the gateway corrupts the range it resumes' {
        # The sample's frames are binary, which Portkey's text round trip lengthens: the range arrives corrupted.
        $video = New-SoraVideo 'A short take' | Wait-SoraVideo -PollIntervalSec 0.1
        $out = Join-Path $work 'corrupted'
        Add-EmulatorFault $emulator @{ method = 'GET'; pathPattern = '/v1/videos/*/content'; kind = 'truncate'; afterBytes = 5000 }

        $video | Save-SoraVideoContent -Path $out -Resume -ErrorVariable broken -ErrorAction SilentlyContinue
        Clear-EmulatorRequest $emulator
        $stream = $video | Save-SoraVideoContent -Path $out -Resume -PassThru -Verbose 4>&1
        $file = $stream | Where-Object { $_ -is [System.IO.FileInfo] }

        $broken | Should -HaveCount 1
        $requests = @(Get-EmulatorRequest $emulator | Where-Object path -like '*/content')
        $requests | Should -HaveCount 2
        $requests[0].headers.Range | Should -Be 'bytes=5000-'
        $requests[1].headers.PSObject.Properties.Name | Should -Not -Contain 'Range'
        @($stream | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like '*discarded*' }) | Should -HaveCount 1
        (Get-FileHash $file.FullName -Algorithm SHA256).Hash | Should -Be (Get-DirectContentHash $video.Id)
        @(Get-ChildItem -Force $out) | Should -HaveCount 1
    }

    It 'runs a batch from a CSV, and a second run of the same command creates nothing' {
        $csv = Join-Path $work 'batch.csv'
        @(
            [pscustomobject]@{ Name = 'cat'; Prompt = 'A calico cat playing a piano' }
            [pscustomobject]@{ Name = 'boat'; Prompt = 'A paper boat in the rain'; Seconds = '8' }
            [pscustomobject]@{ Name = 'skyline'; Prompt = 'A skyline from dusk to night'; Size = '1280x720' }
        ) | Export-Csv -Path $csv -NoTypeInformation
        $out = Join-Path $work 'batch'
        $before = (Get-EmulatorStats $emulator).jobsCreated

        $first = @(Import-Csv $csv | Invoke-SoraBatch -OutputPath $out -Variant Video, Thumbnail -PollIntervalSec 0.1)
        $again = @(Import-Csv $csv | Invoke-SoraBatch -OutputPath $out -Variant Video, Thumbnail -PollIntervalSec 0.1)

        $first | Should -HaveCount 3
        $first.Status | Should -Be @('completed', 'completed', 'completed')
        (Get-EmulatorStats $emulator).jobsCreated - $before | Should -Be 3
        ($again | Sort-Object Name).VideoId | Should -Be ($first | Sort-Object Name).VideoId
        foreach ($row in $first) {
            $row.Files | Should -HaveCount 2
            $video = $row.Files | Where-Object Extension -eq '.mp4'
            (Get-FileHash $video.FullName -Algorithm SHA256).Hash | Should -Be (Get-DirectContentHash $row.VideoId)
        }
    }

    It "quotes Portkey's own error when the routing header is missing" {
        Connect-Sora -BaseUri $portkey.BaseUri
        try {
            New-SoraVideo 'Never routed' -ErrorVariable failures -ErrorAction SilentlyContinue
        }
        finally {
            Connect-Sora -BaseUri $portkey.BaseUri -Header $route
        }

        $failures | Should -HaveCount 1
        $failures[0].Exception.Message | Should -Match 'x-portkey-provider header is required'
        $failures[0].Exception.StatusCode | Should -Be 'BadRequest'
    }
}
