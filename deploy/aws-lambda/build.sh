#!/bin/sh
# Makes deploy/aws-lambda/function/ for `sam deploy`: the bot's Native AOT binary (the same publish command as
# README.md), its SQLite library and the bootstrap. Run it from anywhere on Linux x86_64 with the .NET 10 SDK.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$here/function"
rm -rf "$out"
cd "$root"
dotnet publish src/Bot -c Release -p:PublishAot=true -o "$out"
rm -f "$out"/*.dbg "$out"/*.json
cp "$here/bootstrap" "$out/bootstrap"
# provided.al2023 has glibc 2.34: a binary that asks for a newer one would not start there.
if command -v objdump >/dev/null; then
  newest=$(objdump -T "$out/bot" | grep -o 'GLIBC_[0-9.]*' | sort -Vu | tail -1)
  case "$newest" in
    GLIBC_2.3[5-9]*|GLIBC_2.[4-9]*) echo "bot needs $newest; provided.al2023 has GLIBC_2.34. Build on an older distribution." >&2; exit 1 ;;
  esac
fi
echo "Ready: $out ($(du -sh "$out" | cut -f1))"
