@{
    # The build for this edition: .NET Framework for Windows PowerShell 5.1, .NET 8+ for PowerShell 7 (only
    # the net472 build ships System.Text.Json; PowerShell 7 has its own). Chosen here, as PowerShell allows
    # from 5.1 on, rather than by a script module, whose compile and nested import cost every import.
    RootModule             = if ($PSEdition -eq 'Core') { 'bin/net8.0/SoraPS.dll' } else { 'bin/net472/SoraPS.dll' }
    ModuleVersion          = '0.1.0'
    CompatiblePSEditions   = @('Desktop', 'Core')
    GUID                   = '5f0c6f2e-8a3b-4d61-9b52-2f7d3c1e9a40'
    Author                 = 'SoraPS contributors'
    CompanyName            = 'SoraPS contributors'
    Copyright              = '(c) SoraPS contributors. MIT License.'
    Description            = 'Generate and manage AI video from PowerShell through the OpenAI Videos API shape (Sora), on OpenAI-compatible gateways, Azure OpenAI or the bundled local emulator: create jobs from prompts and images, wait for them, download videos, thumbnails and spritesheets, list, remix and delete.'
    PowerShellVersion      = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess       = @('SoraPS.Format.ps1xml')
    FunctionsToExport      = @()
    CmdletsToExport        = @(
        'Connect-Sora'
        'Disconnect-Sora'
        'Get-SoraContext'
        'New-SoraVideo'
        'Get-SoraVideo'
        'Wait-SoraVideo'
        'Save-SoraVideoContent'
        'Invoke-SoraRemix'
        'Remove-SoraVideo'
        'Invoke-SoraEdit'
        'Invoke-SoraExtension'
        'New-SoraCharacter'
        'Get-SoraCharacter'
        'Invoke-SoraBatch'
    )
    VariablesToExport      = @()
    AliasesToExport        = @()
    PrivateData            = @{
        PSData = @{
            Tags         = @('Sora', 'OpenAI', 'Video', 'AI', 'GenerativeAI', 'LiteLLM', 'AzureOpenAI', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            # build.ps1 -Task Package replaces this, in the packaged manifest, with this version's
            # section of CHANGELOG.md (or its Unreleased section).
            ReleaseNotes = 'See CHANGELOG.md.'
        }
    }
}
