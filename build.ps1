#!/usr/bin/env pwsh
# Builds the etcd-forge host when its sources changed, then runs it: ./build.ps1 --target=NAME [--config=FILE]
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'; $env:DOTNET_NOLOGO = '1'; $env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'

$hostDll = 'build/bin/Release/net10.0/etcd-forge.dll'
$stale = $true
if (Test-Path $hostDll) {
    $built = (Get-Item $hostDll).LastWriteTimeUtc
    $sources = @(Get-ChildItem build -Recurse -File -Include *.cs, *.csproj, *.props |
        Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' }) + @(Get-Item Directory.Build.props)
    $stale = @($sources | Where-Object { $_.LastWriteTimeUtc -gt $built }).Count -gt 0
}
if ($stale) {
    dotnet build build/Build.csproj -c Release -nologo -v quiet -clp:NoSummary
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}
dotnet $hostDll @args
exit $LASTEXITCODE
