# Loads the build that matches this PowerShell: .NET Framework for Windows PowerShell 5.1, .NET 8+
# for PowerShell 7. Only the net472 build ships System.Text.Json; PowerShell 7 has its own.
$framework = if ($PSEdition -eq 'Core') { 'net8.0' } else { 'net472' }
$binary = [System.IO.Path]::Combine($PSScriptRoot, 'bin', $framework, 'SoraPS.dll')
Import-Module -Name $binary -ErrorAction Stop
Export-ModuleMember -Cmdlet '*'
