# Compiles an about topic from markdown into the plain-text layout Get-Help reads. PlatyPS 1.x has no
# about-topic compiler; build.ps1 -Task Docs writes src/SoraPS/en-US/about_*.help.txt with this, and a
# Pester test checks that the compiled topic still matches its markdown.

# An about topic in markdown (front matter, '# about_X', '## Section', paragraphs, '- ' lists,
# fenced code) as the plain-text layout Get-Help reads: TOPIC, SHORT DESCRIPTION, LONG DESCRIPTION
# and further sections in capitals, text indented four spaces and wrapped at 80 columns.
function ConvertTo-AboutHelpText([string] $MarkdownPath) {
    $width = 80
    $lines = (Get-Content -Raw $MarkdownPath) -replace "`r`n", "`n" -split "`n"
    $text = [System.Collections.Generic.List[string]]::new()
    $plain = {
        param([string] $s)
        $s = $s -replace '\[([^\]]+)\]\([^)]+\)', '$1'
        $s = $s -replace '\*\*([^*]+)\*\*', '$1'
        $s -replace '`', ''
    }
    $wrap = {
        param([string] $s, [string] $first, [string] $rest)
        $line = $first
        $empty = $true
        foreach ($word in ($s -split '\s+' | Where-Object { $_ })) {
            if (-not $empty -and ($line.Length + 1 + $word.Length) -gt $width) {
                $text.Add($line.TrimEnd())
                $line = $rest + $word
            }
            else {
                $line = if ($empty) { $line + $word } else { "$line $word" }
            }
            $empty = $false
        }
        if (-not $empty) { $text.Add($line.TrimEnd()) }
    }

    $i = 0
    if ($lines[0] -eq '---') {
        $i = 1
        while ($i -lt $lines.Count -and $lines[$i] -ne '---') { $i++ }
        $i++
    }

    $paragraph = [System.Collections.Generic.List[string]]::new()
    $item = $null
    $flush = {
        if ($paragraph.Count) { & $wrap (& $plain ($paragraph -join ' ')) '    ' '    '; $text.Add(''); $paragraph.Clear() }
    }
    for (; $i -lt $lines.Count; $i++) {
        $line = $lines[$i]
        if ($line -match '^```') {
            . $flush
            $i++
            while ($i -lt $lines.Count -and $lines[$i] -notmatch '^```') {
                $text.Add(('        ' + $lines[$i]).TrimEnd())
                $i++
            }
            $text.Add('')
        }
        elseif ($line -match '^# (.+)$') {
            . $flush
            $text.Add('TOPIC'); $text.Add('    ' + $Matches[1].Trim()); $text.Add('')
        }
        elseif ($line -match '^#{2,} (.+)$') {
            . $flush
            $text.Add((& $plain $Matches[1].Trim()).ToUpperInvariant())
        }
        elseif ($line -match '^- (.+)$') {
            . $flush
            $item = $Matches[1]
            while ($i + 1 -lt $lines.Count -and $lines[$i + 1] -match '^  +\S') { $i++; $item += ' ' + $lines[$i].Trim() }
            & $wrap (& $plain $item) '    - ' '      '
            if ($i + 1 -ge $lines.Count -or $lines[$i + 1] -notmatch '^- ') { $text.Add('') }
        }
        elseif ($line.Trim() -eq '') {
            . $flush
        }
        else {
            $paragraph.Add($line.Trim())
        }
    }
    . $flush
    while ($text.Count -and $text[$text.Count - 1] -eq '') { $text.RemoveAt($text.Count - 1) }
    ($text -join "`n") + "`n"
}

Export-ModuleMember -Function ConvertTo-AboutHelpText
