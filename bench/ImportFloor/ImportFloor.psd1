# The manifest features SoraPS's has, at their smallest: the root module chosen by edition (one build
# serves both here: what costs is that the manifest holds an expression to evaluate), an export
# list and a format file.
@{
    RootModule        = if ($PSEdition -eq 'Core') { 'ImportFloor.dll' } else { 'ImportFloor.dll' }
    ModuleVersion     = '1.0.0'
    FormatsToProcess  = @('ImportFloor.Format.ps1xml')
    CmdletsToExport   = @('Get-ImportFloor')
    FunctionsToExport = @()
    VariablesToExport = @()
    AliasesToExport   = @()
}
