# The least a binary module can have: a manifest with its assembly and version.
@{ RootModule = 'ImportFloor.dll'; ModuleVersion = '1.0.0' }
