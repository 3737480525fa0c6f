#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Edits, extensions, characters and New-SoraVideo's reference forms: out/SoraPS imported in a fresh
# pwsh, run against the emulator, with the requests checked as the emulator received them.

BeforeAll {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    Import-Module (Join-Path $root 'out/SoraPS/SoraPS.psd1') -Force -ErrorAction Stop
    Import-Module (Join-Path $root 'src/SoraPS.Emulator/EmulatorProcess.psm1') -Force
    $script:emulator = Start-Emulator -RenderSeconds 0.5 -PollAfterMs 50
    Connect-Sora -BaseUri $emulator.BaseUri
    $script:work = Join-Path ([System.IO.Path]::GetTempPath()) ("sorapspester" + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory $work

    function script:New-FinishedVideo([string] $Prompt = 'A finished clip', [string] $Seconds = '4') {
        New-SoraVideo -Prompt $Prompt -Seconds $Seconds | Wait-SoraVideo -PollIntervalSec 0.1
    }

    # A real MP4 to upload, taken from a finished job rather than kept in the repository.
    $script:clip = New-FinishedVideo 'Sample for upload' | Save-SoraVideoContent -Path (Join-Path $work 'sample clip.mp4') -PassThru

    function script:Get-PostTo([string] $Path) {
        @(Get-EmulatorRequest $emulator | Where-Object { $_.method -eq 'POST' -and $_.path -eq $Path })
    }
}

AfterAll {
    Disconnect-Sora
    if ($emulator) { Stop-Emulator $emulator }
    if ($work -and (Test-Path $work)) { Remove-Item -Recurse -Force $work }
}

Describe 'Invoke-SoraExtension' {
    It 'extends a piped job and waits for the stitched result' {
        $source = New-FinishedVideo 'A kite over a beach' -Seconds 8
        Clear-EmulatorRequest $emulator

        $extended = Get-SoraVideo -Id $source.Id | Invoke-SoraExtension -Prompt 'The kite string snaps' -Seconds 4 | Wait-SoraVideo -PollIntervalSec 0.1

        $extended.PSObject.TypeNames[0] | Should -Be 'SoraPS.SoraVideo'
        $extended.Status | Should -Be 'completed'
        $extended.Id | Should -Not -Be $source.Id
        $extended.Seconds | Should -Be '12'
        $extended.Prompt | Should -Be 'The kite string snaps'
        $posts = Get-PostTo '/v1/videos/extensions'
        $posts | Should -HaveCount 1
        $body = $posts[0].jsonBody | ConvertFrom-Json
        $body.seconds | Should -BeOfType [string]
        $body.seconds | Should -Be '4'
        $body.video.id | Should -Be $source.Id
        $body.prompt | Should -Be 'The kite string snaps'
    }

    It 'reports a job that is not completed as an error for that job' {
        $running = New-SoraVideo 'Still rendering #render=60'

        $result = $running | Invoke-SoraExtension -Prompt 'Later' -Seconds 4 -ErrorVariable failures -ErrorAction SilentlyContinue

        $result | Should -BeNullOrEmpty
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'SoraPS.ApiError,SoraPS.Commands.InvokeSoraExtensionCommand'
        $failures[0].Exception.ErrorCode | Should -Be 'video_not_ready'
        $failures[0].Exception.StatusCode | Should -Be 'BadRequest'
        $failures[0].TargetObject | Should -Be $running.Id
    }

    It 'refuses seconds that are not a whole number before sending anything' {
        $source = New-FinishedVideo
        Clear-EmulatorRequest $emulator

        $source | Invoke-SoraExtension -Prompt 'Go on' -Seconds 'four' -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures[0].FullyQualifiedErrorId | Should -Be 'SoraPS.InvalidArgument,SoraPS.Commands.InvokeSoraExtensionCommand'
        $failures[0].Exception.Message | Should -Match '-Seconds'
        Get-PostTo '/v1/videos/extensions' | Should -HaveCount 0
    }

    It 'starts nothing with -WhatIf' {
        $source = New-FinishedVideo
        $before = (Get-EmulatorStats $emulator).jobsCreated
        Clear-EmulatorRequest $emulator

        $source | Invoke-SoraExtension -Prompt 'Never sent' -Seconds 4 -WhatIf

        (Get-EmulatorStats $emulator).jobsCreated | Should -Be $before
        Get-PostTo '/v1/videos/extensions' | Should -HaveCount 0
    }

    It 'completes the seconds to add' {
        (TabExpansion2 -inputScript 'Invoke-SoraExtension -Seconds 1' -cursorColumn 31).CompletionMatches.CompletionText | Should -Contain '12'
    }
}

Describe 'Invoke-SoraEdit' {
    It 'edits a piped job with the prompt given, not the job''s own' {
        $source = New-FinishedVideo 'The original prompt' -Seconds 8
        Clear-EmulatorRequest $emulator

        $edit = $source | Invoke-SoraEdit -Prompt 'The same scene in black and white'

        $edit.PSObject.TypeNames[0] | Should -Be 'SoraPS.SoraVideo'
        $edit.Status | Should -Be 'queued'
        $edit.Prompt | Should -Be 'The same scene in black and white'
        $edit.Seconds | Should -Be '8'
        $body = (Get-PostTo '/v1/videos/edits')[0].jsonBody | ConvertFrom-Json
        $body.video.id | Should -Be $source.Id
        @($body.PSObject.Properties.Name | Sort-Object) | Should -Be @('prompt', 'video')
        ($edit | Wait-SoraVideo -PollIntervalSec 0.1).Status | Should -Be 'completed'
    }

    It 'uploads a video file given by a path relative to the current location' {
        Clear-EmulatorRequest $emulator
        Push-Location $work
        try {
            $edit = Invoke-SoraEdit -VideoPath './sample clip.mp4' -Prompt 'Add falling snow'
        }
        finally {
            Pop-Location
        }

        $edit.Prompt | Should -Be 'Add falling snow'
        $edit.Status | Should -Be 'queued'
        $posts = Get-PostTo '/v1/videos/edits'
        $posts | Should -HaveCount 1
        $posts[0].jsonBody | Should -BeNullOrEmpty
        $posts[0].parts.name | Should -Be @('prompt', 'video')
        $video = $posts[0].parts | Where-Object name -EQ 'video'
        $video.contentType | Should -Be 'video/mp4'
        $video.contentDisposition | Should -Match 'filename="sample clip\.mp4"'
        $video.length | Should -Be $clip.Length
    }

    It 'refuses a file that is not a video, by its content, before sending anything' {
        $fake = Join-Path $work 'fake.mp4'
        Set-Content -Path $fake -Value 'not a video'
        Clear-EmulatorRequest $emulator

        Invoke-SoraEdit -VideoPath $fake -Prompt 'x' -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures[0].FullyQualifiedErrorId | Should -Be 'SoraPS.InvalidArgument,SoraPS.Commands.InvokeSoraEditCommand'
        $failures[0].Exception.Message | Should -Match 'not an MP4, QuickTime \(\.mov\) or WebM video'
        Get-PostTo '/v1/videos/edits' | Should -HaveCount 0
    }

    It 'starts nothing with -WhatIf, by job or by upload' {
        $source = New-FinishedVideo
        $before = (Get-EmulatorStats $emulator).jobsCreated
        Clear-EmulatorRequest $emulator

        $source | Invoke-SoraEdit -Prompt 'Never sent' -WhatIf
        Invoke-SoraEdit -VideoPath $clip.FullName -Prompt 'Never sent' -WhatIf

        (Get-EmulatorStats $emulator).jobsCreated | Should -Be $before
        Get-PostTo '/v1/videos/edits' | Should -HaveCount 0
    }
}

Describe 'New-SoraCharacter and Get-SoraCharacter' {
    It 'creates a character from a video file and gets it back by id from the pipeline' {
        Clear-EmulatorRequest $emulator

        $character = New-SoraCharacter -Name 'Captain Calico' -VideoPath $clip.FullName

        $character.PSObject.TypeNames[0] | Should -Be 'SoraPS.SoraCharacter'
        $character.Id | Should -Match '^char_'
        $character.Name | Should -Be 'Captain Calico'
        $character.CreatedAt.Offset | Should -Be ([timespan]::Zero)
        $post = (Get-PostTo '/v1/videos/characters')[0]
        $post.parts.name | Should -Be @('name', 'video')
        ($post.parts | Where-Object name -EQ 'video').contentType | Should -Be 'video/mp4'
        ($post.parts | Where-Object name -EQ 'video').contentDisposition | Should -Match 'name="video"; filename="sample clip\.mp4"'

        ($character | Get-SoraCharacter).Name | Should -Be 'Captain Calico'
        ($character.Id | Get-SoraCharacter).Id | Should -Be $character.Id
    }

    It 'reports an unknown id without stopping the others' {
        $character = New-SoraCharacter 'Second mate' $clip.FullName

        $found = 'char_doesnotexist', $character.Id | Get-SoraCharacter -ErrorVariable failures -ErrorAction SilentlyContinue

        $found.Id | Should -Be $character.Id
        $failures | Should -HaveCount 1
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failures[0].Exception.ErrorCode | Should -Be 'character_not_found'
        $failures[0].TargetObject | Should -Be 'char_doesnotexist'
    }

    It 'refuses a name longer than 80 characters before sending anything' {
        Clear-EmulatorRequest $emulator

        New-SoraCharacter -Name ('n' * 81) -VideoPath $clip.FullName -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures[0].FullyQualifiedErrorId | Should -Be 'SoraPS.InvalidArgument,SoraPS.Commands.NewSoraCharacterCommand'
        $failures[0].Exception.Message | Should -Match 'at most 80'
        Get-PostTo '/v1/videos/characters' | Should -HaveCount 0
    }

    It 'creates nothing with -WhatIf' {
        Clear-EmulatorRequest $emulator
        New-SoraCharacter -Name 'Never made' -VideoPath $clip.FullName -WhatIf
        Get-PostTo '/v1/videos/characters' | Should -HaveCount 0
    }

    It 'has a table and a list view for characters' {
        $controls = (Get-FormatData SoraPS.SoraCharacter).FormatViewDefinition | ForEach-Object { $_.Control.GetType().Name }
        $controls | Should -Contain 'TableControl'
        $controls | Should -Contain 'ListControl'
        $character = New-SoraCharacter -Name 'Table guest' -VideoPath $clip.FullName
        ($character | Format-Table | Out-String) | Should -Match "$($character.Id)\s+Table guest"
    }
}

Describe 'New-SoraVideo reference forms' {
    BeforeAll {
        $script:png = Join-Path $work 'first frame.png'
        [System.IO.File]::WriteAllBytes($png, [Convert]::FromBase64String(
                'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='))
    }

    It 'uploads a local image as a multipart part with its own Content-Type' {
        Clear-EmulatorRequest $emulator

        $video = New-SoraVideo 'From a local image' -InputReference $png

        $video.Status | Should -Be 'queued'
        $post = (Get-PostTo '/v1/videos')[0]
        $post.jsonBody | Should -BeNullOrEmpty
        $part = $post.parts | Where-Object name -EQ 'input_reference'
        $part.contentType | Should -Be 'image/png'
        $part.contentDisposition | Should -Match 'name="input_reference"; filename="first frame\.png"'
        $part.length | Should -Be (Get-Item $png).Length
    }

    It 'sends a data: URL as image_url in a JSON body' {
        $dataUrl = 'data:image/png;base64,' + [Convert]::ToBase64String([System.IO.File]::ReadAllBytes($png))
        Clear-EmulatorRequest $emulator

        $video = New-SoraVideo 'From a data URL' -InputReferenceUri $dataUrl

        $video.Status | Should -Be 'queued'
        $post = (Get-PostTo '/v1/videos')[0]
        $post.parts | Should -BeNullOrEmpty
        $reference = ($post.jsonBody | ConvertFrom-Json).input_reference
        $reference.image_url | Should -Be $dataUrl
        @($reference.PSObject.Properties.Name) | Should -Be @('image_url')
    }

    It 'sends a file id as file_id in a JSON body' {
        Clear-EmulatorRequest $emulator

        $video = New-SoraVideo 'From an uploaded file' -InputReferenceFileId 'file-abc123'

        $video.Status | Should -Be 'queued'
        $reference = ((Get-PostTo '/v1/videos')[0].jsonBody | ConvertFrom-Json).input_reference
        $reference.file_id | Should -Be 'file-abc123'
        @($reference.PSObject.Properties.Name) | Should -Be @('file_id')
    }

    It 'refuses two references at once before sending anything' {
        $before = (Get-EmulatorStats $emulator).jobsCreated
        Clear-EmulatorRequest $emulator

        New-SoraVideo 'Two references' -InputReference $png -InputReferenceFileId 'file-abc123' -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'SoraPS.InvalidArgument,SoraPS.Commands.NewSoraVideoCommand'
        $failures[0].Exception.Message | Should -Match 'at most one reference'
        Get-PostTo '/v1/videos' | Should -HaveCount 0
        (Get-EmulatorStats $emulator).jobsCreated | Should -Be $before
    }
}
