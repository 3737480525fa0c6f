#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# The review page of Invoke-SoraBatch, opened in a real headless browser: every thumbnail loads, every
# video shows its length, and the console stays silent. It needs a Chromium-based browser (on Debian:
# apt-get install chromium, which .ci/run does) and fails, saying so, where there is none.

BeforeAll {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    Import-Module (Join-Path $root 'out/SoraPS/SoraPS.psd1') -Force -ErrorAction Stop
    Import-Module (Join-Path $root 'src/SoraPS.Emulator/EmulatorProcess.psm1') -Force
    Import-Module (Join-Path $root 'tests/Support/HeadlessBrowser.psm1') -Force
    $script:browser = Find-Chromium
    $script:emulator = Start-Emulator -RenderSeconds 0.3 -PollAfterMs 20
    Connect-Sora -BaseUri $emulator.BaseUri
    $script:work = Join-Path ([System.IO.Path]::GetTempPath()) ("sorapsreport" + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory $work
    # The screenshots are kept with the test results, to be looked at.
    $script:shots = Join-Path $root 'out/test-results'
    $null = New-Item -ItemType Directory -Force $shots
}

AfterAll {
    Disconnect-Sora
    if ($emulator) { Stop-Emulator $emulator }
    if ($work -and (Test-Path $work)) { Remove-Item -Recurse -Force $work }
}

Describe 'The review page in a headless browser' {
    BeforeEach {
        $browser | Should -Not -BeNullOrEmpty -Because 'the review page is checked in a real Chromium-based browser: install Chromium (on Debian: apt-get install chromium), Chrome or Edge'
    }

    It 'shows every completed row with its thumbnail and every failure with its error, with nothing in the console' {
        $out = Join-Path $work 'with thumbnails'
        $report = Join-Path $work 'review.html'
        $rows = @(
            [pscustomobject]@{ Prompt = 'A calico cat playing a piano on stage'; Name = 'cat' }
            [pscustomobject]@{ Prompt = 'A paper boat drifting down a rainy street'; Name = '' }
            [pscustomobject]@{ Prompt = 'Blocked <script>alert(1)</script> #moderation_blocked'; Name = '' }
            [pscustomobject]@{ Prompt = 'A skyline from dusk to night'; Name = 'skyline' }
            [pscustomobject]@{ Prompt = 'Also blocked #moderation_blocked'; Name = '' }
            [pscustomobject]@{ Prompt = 'A red kite over a windy beach'; Name = '' }
        )
        $items = @($rows | Invoke-SoraBatch -OutputPath $out -Variant Video, Thumbnail -ReportPath $report -PollIntervalSec 0.1 -WarningAction SilentlyContinue)
        @($items | Where-Object Succeeded) | Should -HaveCount 4

        $page = Invoke-PageCheck -Path $report -Browser $browser -ScreenshotPath (Join-Path $shots 'batch-report.png')

        $page.Title | Should -Be 'Video batch: 4 of 6 done'
        $page.Images | Should -HaveCount 4
        $page.Images | ForEach-Object { $_.Complete | Should -BeTrue; $_.NaturalWidth | Should -BeGreaterThan 0 -Because "$($_.Src) should load" }
        @($page.Console | Where-Object Level -in 'error', 'warning') | Should -HaveCount 0 -Because (($page.Console | ForEach-Object Text) -join '; ')
        $html = Get-Content -Raw -LiteralPath $report
        $html | Should -Match 'moderation_blocked: Your request was blocked'
        $html | Should -Match '&lt;script&gt;alert\(1\)&lt;/script&gt;'
        (Get-Item (Join-Path $shots 'batch-report.png')).Length | Should -BeGreaterThan 10000
    }

    It 'plays every MP4 of a batch saved without thumbnails' {
        $out = Join-Path $work 'videos only'
        $report = Join-Path $out 'review.html'
        $null = 1..5 | ForEach-Object { "Video only $_" } | Invoke-SoraBatch -OutputPath $out -ReportPath $report -PollIntervalSec 0.1

        $page = Invoke-PageCheck -Path $report -Browser $browser -ScreenshotPath (Join-Path $shots 'batch-report-videos.png')

        $page.Images.Count | Should -Be 0
        $page.Videos | Should -HaveCount 5
        $page.Videos | ForEach-Object {
            $_.Failed | Should -BeFalse
            $_.ReadyState | Should -BeGreaterOrEqual 1
            $_.Duration | Should -BeGreaterThan 1
            $_.VideoWidth | Should -Be 320
        }
        @($page.Console | Where-Object Level -in 'error', 'warning') | Should -HaveCount 0 -Because (($page.Console | ForEach-Object Text) -join '; ')
    }
}
