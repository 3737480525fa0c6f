<#
.SYNOPSIS
    An Azure Automation runbook: makes a video on Azure OpenAI, copies it to blob storage and cleans up.

.DESCRIPTION
    The runbook of about_SoraPS as a script with parameters. It:

    1. Signs in as the Automation account's managed identity (Connect-AzAccount -Identity), gets a
       token for Azure OpenAI (Get-AzAccessToken -ResourceUrl https://cognitiveservices.azure.com)
       and connects with Connect-Sora -AzureEndpoint -AccessToken. With -ApiKey, it connects with
       the key instead and needs no Az module unless -StorageAccountName is given.
    2. Starts a job on the deployment and waits for it, at most -TimeoutSec seconds. Keep that well
       within the 3-hour limit of an Automation job, so that the download and the copy fit too.
    3. Gets a fresh token (a long wait may outlast the first), and streams the MP4 to $env:TEMP, the
       sandbox's disk (the system's temporary folder where TEMP is not set).
    4. With -StorageAccountName, copies the file to the container with Set-AzStorageBlobContent,
       signed in as the identity.
    5. Deletes the local file and the job on the server (Remove-SoraVideo -Force).

    It writes one result object with the job's id, status, the file's name and size, where the copy
    went (or nothing when there was no copy), and whether the job was deleted. With -Verbose, or
    verbose records logged in the runbook's settings, it logs each step and each request.

    Any failure stops the runbook with its error id (a failed job with SoraPS.JobFailed, a wait that
    runs out with SoraPS.WaitTimedOut). A job still running keeps running on the server, and its
    id is in the error. The local file is removed in every case.

    The identity needs Cognitive Services OpenAI User on the Azure OpenAI resource and, for the copy,
    Storage Blob Data Contributor on the storage account. Az.Accounts and Az.Storage are in the
    default runtime environments; SoraPS has to be imported into the Automation account.

.PARAMETER AzureEndpoint
    The Azure OpenAI resource's endpoint, such as https://myresource.openai.azure.com.

.PARAMETER Deployment
    The name of the Sora deployment on the resource (passed as -Model).

.PARAMETER Prompt
    What the video shows.

.PARAMETER Seconds
    The video's length in seconds, as the deployed model accepts it. The default is 8.

.PARAMETER Size
    The video's size, WIDTHxHEIGHT, as the deployed model accepts it. The default is 1280x720.

.PARAMETER StorageAccountName
    The storage account to copy the video to. Without it, nothing is copied, and the video is
    deleted from the server after the download all the same (a dry run of the runbook).

.PARAMETER ContainerName
    The blob container for the copy. The default is videos.

.PARAMETER TimeoutSec
    The longest wait for the job, in seconds. The default is 7200 (two hours).

.PARAMETER PollIntervalSec
    Seconds between two polls of the job. The default is 15.

.PARAMETER ApiKey
    The resource's key, used instead of the managed identity: for a test against the local
    emulator, or an account without an identity. Keep a real key in an Automation credential or
    variable, never in the runbook.

.EXAMPLE
    ./AzureAutomation-Runbook.ps1 -AzureEndpoint https://myresource.openai.azure.com -Deployment my-sora-deployment -Prompt 'A lighthouse at dawn' -StorageAccountName mystorageaccount

    In Azure Automation: makes the video, copies it to mystorageaccount/videos and cleans up.

.EXAMPLE
    $e = Start-Emulator -ApiKey k -ApiKeyHeader api-key
    ./AzureAutomation-Runbook.ps1 -AzureEndpoint $e.Root -Deployment sora-2 -Prompt 'A test' -ApiKey (ConvertTo-SecureString k -AsPlainText -Force) -PollIntervalSec 1 -Verbose

    Runs the runbook on this machine against the emulator, which plays an Azure OpenAI resource.

.INPUTS
    None.

.OUTPUTS
    System.Management.Automation.PSCustomObject
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string] $AzureEndpoint,

    [Parameter(Mandatory)]
    [string] $Deployment,

    [Parameter(Mandatory)]
    [string] $Prompt,

    [string] $Seconds = '8',

    [string] $Size = '1280x720',

    [string] $StorageAccountName,

    [string] $ContainerName = 'videos',

    [ValidateRange(1, 2147483647)]
    [int] $TimeoutSec = 7200,

    [ValidateRange(0.05, 3600)]
    [double] $PollIntervalSec = 15,

    [System.Security.SecureString] $ApiKey
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 2.0

$resource = 'https://cognitiveservices.azure.com'
$useIdentity = $null -eq $ApiKey

function Connect-Endpoint {
    if ($useIdentity) {
        # Az.Accounts 5 returns the token as a SecureString, earlier versions as a string; either works.
        $token = (Get-AzAccessToken -ResourceUrl $resource).Token
        Connect-Sora -AzureEndpoint $AzureEndpoint -AccessToken $token
    }
    else {
        Connect-Sora -AzureEndpoint $AzureEndpoint -ApiKey $ApiKey
    }
}

if ($useIdentity -or $StorageAccountName) {
    Write-Verbose 'Signing in as the managed identity'
    $null = Connect-AzAccount -Identity
}
Connect-Endpoint
$authentication = (Get-SoraContext).Authentication
Write-Verbose "Connected to $AzureEndpoint with $authentication"

$job = New-SoraVideo -Prompt $Prompt -Model $Deployment -Seconds $Seconds -Size $Size
Write-Verbose "Started $($job.Id); waiting at most $TimeoutSec seconds"
$video = $job | Wait-SoraVideo -TimeoutSec $TimeoutSec -PollIntervalSec $PollIntervalSec
Write-Verbose "$($video.Id) is $($video.Status)"

# A long wait may outlast the token: connect again, so that an expired token is replaced.
if ($useIdentity) { Connect-Endpoint }

$folder = $env:TEMP
if (-not $folder) { $folder = [System.IO.Path]::GetTempPath() }
$file = $null
$blob = $null
try {
    $file = $video | Save-SoraVideoContent -Path $folder -Force -PassThru
    Write-Verbose "Saved $($file.FullName) ($($file.Length) bytes)"

    if ($StorageAccountName) {
        $storage = New-AzStorageContext -StorageAccountName $StorageAccountName -UseConnectedAccount
        $null = Set-AzStorageBlobContent -File $file.FullName -Container $ContainerName -Blob $file.Name -Context $storage -Force
        $blob = "$StorageAccountName/$ContainerName/$($file.Name)"
        Write-Verbose "Copied to $blob"
    }
    else {
        Write-Verbose 'No storage account given: nothing copied'
    }
}
finally {
    if ($file -and (Test-Path -LiteralPath $file.FullName)) {
        Remove-Item -LiteralPath $file.FullName -Force
        Write-Verbose "Removed $($file.FullName)"
    }
}

$deletion = $video | Remove-SoraVideo -Force -PassThru
Write-Verbose "Deleted $($video.Id) from the server"

[pscustomobject]@{
    Id             = $video.Id
    Status         = $video.Status
    Prompt         = $video.Prompt
    Model          = $video.Model
    Seconds        = $video.Seconds
    Size           = $video.Size
    FileName       = $file.Name
    Length         = $file.Length
    Blob           = $blob
    Deleted        = [bool] $deletion.Deleted
    Authentication = $authentication
}
