#!/usr/bin/env bash
# Rebuilds the forwarding packages in packages/local from their .nuspec files (see docs/operations.md, "The local package folder").
set -euo pipefail
here="$(cd "$(dirname "$0")/../packages/local" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for spec in "$here"/*.nuspec; do
  cat > "$work/pack.csproj" <<PROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>netstandard2.0</TargetFramework>
    <NuspecFile>$spec</NuspecFile>
    <NuspecBasePath>$here</NuspecBasePath>
    <IncludeBuildOutput>false</IncludeBuildOutput>
    <NoBuild>true</NoBuild>
    <GenerateDocumentationFile>false</GenerateDocumentationFile>
  </PropertyGroup>
</Project>
PROJ
  dotnet pack "$work/pack.csproj" --output "$here" -p:ImportDirectoryBuildProps=false -p:ImportDirectoryPackagesProps=false --nologo -v quiet
done
ls -1 "$here"/*.nupkg
