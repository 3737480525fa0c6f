<#
.SYNOPSIS
    An Azure Automation runbook: makes a video for each row of a CSV file on Azure OpenAI, survives the
    sandbox being recycled, and copies the videos to blob storage.

.DESCRIPTION
    The runbook of about_SoraPS as a script with parameters. Azure Automation starts a runbook again
    from its first line when its sandbox is recycled; this one is written so that starting again is
    safe and cheap, because Invoke-SoraBatch keeps a journal in -OutputPath and continues from it:
    no job is created twice, finished rows are not downloaded again. It:

    1. Signs in as the Automation account's managed identity (Connect-AzAccount -Identity). With
       -ApiKey, it uses the key instead and needs no Az module unless -StorageAccountName is given.
    2. Reads the rows of -CsvPath (a Prompt column; Seconds, Size, Name and the other columns of
       Invoke-SoraBatch are optional). A row without a Model uses -Deployment.
    3. Runs the batch in rounds of at most -RoundSec seconds, each with a fresh token from
       Get-AzAccessToken -ResourceUrl https://cognitiveservices.azure.com (a token lasts about an
       hour; a round must not outlast it), until no row is left that another round would take
       further, or -TimeoutSec is used up. Keep -TimeoutSec within the 3-hour limit of a job.
    4. With -StorageAccountName, copies each saved file that the container lacks to it with
       Set-AzStorageBlobContent, signed in as the identity. Files already there are not sent again.

    -OutputPath must outlive the sandbox, or the journal in it is lost when the sandbox is recycled
    and the batch would start over: an Azure file share mapped in the runbook, or a Hybrid Runbook
    Worker's disk. about_SoraPS shows how to map a share, how to keep the journal in blob storage
    instead, and how a parent runbook splits a CSV file between child runbooks with -Shard.

    It writes one summary object: how many rows there are, how many succeeded and how many did not,
    how many rounds ran, how many files were copied, where the review page is, and the result of
    each row (SoraPS.SoraBatchResult objects). With -Verbose, or verbose records
    logged in the runbook's settings, it logs each round, each request and each row's end.

    A row that fails (moderation, a download that broke) does not stop the runbook; it is counted
    and its result says why. A refused key, or a journal in use by another job, stops it.

    The identity needs Cognitive Services OpenAI User on the Azure OpenAI resource and, for the copy,
    Storage Blob Data Contributor on the storage account. Az.Accounts and Az.Storage are in the
    default runtime environments; SoraPS has to be imported into the Automation account.

.PARAMETER AzureEndpoint
    The Azure OpenAI resource's endpoint, such as https://myresource.openai.azure.com.

.PARAMETER Deployment
    The name of the Sora deployment on the resource: the model of every row without a Model.

.PARAMETER CsvPath
    The CSV file of prompts, such as one on the mapped file share.

.PARAMETER OutputPath
    The folder for the videos, the thumbnails, the journal and the review page (review.html). Keep it
    where it outlives the sandbox.

.PARAMETER Shard
    PART/COUNT, such as 2/8, for a child runbook that takes one part of the CSV file.

.PARAMETER StorageAccountName
    The storage account to copy the files to. Without it, nothing is copied.

.PARAMETER ContainerName
    The blob container for the copies. The default is videos.

.PARAMETER ThrottleLimit
    The most jobs created and not finished at once. The default is 4.

.PARAMETER RoundSec
    The longest round of the batch, in seconds, within a token's lifetime. The default is 1800.

.PARAMETER TimeoutSec
    The time all rounds together may take, in seconds. The default is 9000 (two and a half hours).

.PARAMETER PollIntervalSec
    Seconds between two polls of a job. The default is 15.

.PARAMETER ApiKey
    The resource's key, used instead of the managed identity: for a test against the local
    emulator, or an account without an identity. Keep a real key in an Automation credential or
    variable, never in the runbook.

.EXAMPLE
    ./AzureAutomation-Runbook.ps1 -AzureEndpoint https://myresource.openai.azure.com -Deployment my-sora-deployment -CsvPath S:\batch\prompts.csv -OutputPath S:\batch\videos -StorageAccountName mystorageaccount

    In Azure Automation, with a file share mapped as S: (see about_SoraPS): makes a video for each
    row, safe to start again, and copies them to mystorageaccount/videos.

.EXAMPLE
    $e = Start-Emulator -ApiKey k -ApiKeyHeader api-key
    ./AzureAutomation-Runbook.ps1 -AzureEndpoint $e.Root -Deployment sora-2 -CsvPath ./prompts.csv -OutputPath ./videos -ApiKey (ConvertTo-SecureString k -AsPlainText -Force) -PollIntervalSec 1 -Verbose

    Runs the runbook on this machine against the emulator, which plays an Azure OpenAI resource. Run
    it a second time to see that it creates nothing again.

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
    [string] $CsvPath,

    [Parameter(Mandatory)]
    [string] $OutputPath,

    [string] $Shard,

    [string] $StorageAccountName,

    [string] $ContainerName = 'videos',

    [ValidateRange(1, 100)]
    [int] $ThrottleLimit = 4,

    [ValidateRange(1, 2147483647)]
    [int] $RoundSec = 1800,

    [ValidateRange(1, 2147483647)]
    [int] $TimeoutSec = 9000,

    [ValidateRange(0.05, 3600)]
    [double] $PollIntervalSec = 15,

    [System.Security.SecureString] $ApiKey
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 2.0

$resource = 'https://cognitiveservices.azure.com'
$useIdentity = $null -eq $ApiKey
$clock = [System.Diagnostics.Stopwatch]::StartNew()

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

# A row that another round would take further: not done, and not ended for good (a failed job, a lost
# create that needs -RetryUnknown, a create the server refused).
function Test-Continues($Result) {
    -not $Result.Succeeded -and -not [SoraPS.VideoStatus]::IsFailed($Result.Status) -and $Result.Status -notin 'unknown', 'refused'
}

if ($useIdentity -or $StorageAccountName) {
    Write-Verbose 'Signing in as the managed identity'
    $null = Connect-AzAccount -Identity
}

# The deployment is the model of rows without one. The same CSV file gives the same rows in every
# run, so the journal recognises them after a restart.
$rows = @(Import-Csv -LiteralPath $CsvPath | ForEach-Object {
        $row = $_
        $model = if ($row.PSObject.Properties['Model'] -and $row.Model) { $row.Model } else { $Deployment }
        $row | Select-Object -Property * -ExcludeProperty Model | Add-Member -NotePropertyName Model -NotePropertyValue $model -PassThru
    })
$batch = @{
    OutputPath      = $OutputPath
    Variant         = 'Video', 'Thumbnail'
    ThrottleLimit   = $ThrottleLimit
    PollIntervalSec = $PollIntervalSec
    ReportPath      = Join-Path $OutputPath 'review.html'
}
if ($Shard) { $batch.Shard = $Shard }

$round = 0
do {
    $round++
    $left = [int] [Math]::Floor($TimeoutSec - $clock.Elapsed.TotalSeconds)
    # A fresh token for each round: a long batch outlasts the first.
    Connect-Endpoint
    Write-Verbose "Round $round of the batch ($($rows.Count) rows), for at most $([Math]::Min($RoundSec, $left)) s"
    $results = @($rows | Invoke-SoraBatch @batch -TimeoutSec ([Math]::Max(1, [Math]::Min($RoundSec, $left))))
    $continuing = @($results | Where-Object { Test-Continues $_ })
    Write-Verbose "Round $round ended: $(@($results | Where-Object Succeeded).Count) of $($results.Count) rows done, $($continuing.Count) to continue"
} while ($continuing.Count -gt 0 -and $clock.Elapsed.TotalSeconds -lt $TimeoutSec - 1)

$copied = 0
if ($StorageAccountName) {
    $storage = New-AzStorageContext -StorageAccountName $StorageAccountName -UseConnectedAccount
    foreach ($file in $results | Where-Object Succeeded | ForEach-Object { $_.Files }) {
        # Copied by an earlier run already: a restart sends nothing twice.
        if (Get-AzStorageBlob -Container $ContainerName -Blob $file.Name -Context $storage -ErrorAction SilentlyContinue) { continue }
        $null = Set-AzStorageBlobContent -File $file.FullName -Container $ContainerName -Blob $file.Name -Context $storage -Force
        $copied++
        Write-Verbose "Copied $($file.Name) to $StorageAccountName/$ContainerName"
    }
}
else {
    Write-Verbose 'No storage account given: nothing copied'
}

[pscustomobject]@{
    Rows         = $results.Count
    Succeeded    = @($results | Where-Object Succeeded).Count
    NotSucceeded = @($results | Where-Object { -not $_.Succeeded }).Count
    Rounds       = $round
    Copied       = $copied
    Report       = $batch.ReportPath
    Results      = $results
}
