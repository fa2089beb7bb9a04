#!/usr/bin/env pwsh
# Builds the etcd-forge host when its sources changed, then runs it: ./build.ps1 --target=NAME [--config=FILE]
$ErrorActionPreference = 'Stop'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'; $env:DOTNET_NOLOGO = '1'; $env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'
# Relative paths on the command line (--config=my.yaml) are the caller's: the host takes them from here.
$env:ETCD_FORGE_CALLER_DIR = (Get-Location).ProviderPath

# Push/Pop: a script run from a PowerShell session would otherwise leave that session in the checkout.
Push-Location $PSScriptRoot
try {
    $hostDll = 'build/bin/Release/net10.0/etcd-forge.dll'
    $stale = $true
    if (Test-Path $hostDll) {
        $built = (Get-Item $hostDll).LastWriteTimeUtc
        $sources = @(Get-ChildItem build -Recurse -File -Include *.cs, *.csproj, *.props |
            Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' }) + @(Get-Item Directory.Build.props)
        $stale = @($sources | Where-Object { $_.LastWriteTimeUtc -gt $built }).Count -gt 0
    }
    $code = 0
    if ($stale) {
        dotnet build build/Build.csproj -c Release -nologo -v quiet -clp:NoSummary
        $code = $LASTEXITCODE
    }
    if ($code -eq 0) {
        dotnet $hostDll @args
        $code = $LASTEXITCODE
    }
}
finally {
    Pop-Location
}
exit $code
