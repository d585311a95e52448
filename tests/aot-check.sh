#!/bin/sh
# Runs the tests that start the real binary against the Native AOT build: the Google service-account credential path
# (a JWT signed with the key file and exchanged at its token_uri, then bearer calls), and the Lambda CLI over moto.
# Google.Apis.Auth reads its credential file by reflection, so this is what shows the trimmer roots still hold.
#   tests/aot-check.sh [published-dir]   (default: publishes to /tmp/aot-check first)
set -eu
cd "$(dirname "$0")/.."
out="${1:-}"
if [ -z "$out" ]; then
  out=/tmp/aot-check
  dotnet publish src/Bot -c Release -p:PublishAot=true -o "$out"
fi
[ -x "$out/bot" ] || { echo "no native binary at $out/bot" >&2; exit 2; }
dotnet build tests/Bot.Tests -v q
BOT_BINARY="$(cd "$out" && pwd)/bot" dotnet test tests/Bot.Tests --no-build \
  --filter "FullyQualifiedName~CloudRunCliTests|FullyQualifiedName~LambdaCliTests|FullyQualifiedName~LambdaKillTests"
