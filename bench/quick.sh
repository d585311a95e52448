#!/usr/bin/env bash
# A quick look at the bot alone, on a fresh store: /deploy and /status intake with all-different signed
# requests, two rounds each, and the process's peak memory. Handy to compare one change against another.
# Usage: bench/quick.sh [DURATION] [extra environment, e.g. DOTNET_GCHeapHardLimit=0x3000000]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
DUR="${1:-5s}"; EXTRA="${2:-BENCH=1}"
export SLACK_SIGNING_SECRET=bench-slack-signing-secret
[[ -x bench/bin/bot/bot ]] || dotnet publish src/Bot -c Release -p:PublishAot=true -o bench/bin/bot
[[ -x bench/bin/tool/Bot.Bench ]] || dotnet build bench/Bot.Bench -c Release -o bench/bin/tool -v q
w=$(mktemp -d /tmp/bot-quick.XXXXXX)
git init -q -b main "$w/api"; (cd "$w/api" && echo x > R && git add -A && git -c user.name=Q -c user.email=q@example.invalid commit -qm Start && git branch production)
echo "{\"Apps\":{\"api\":{\"Target\":\"shell\",\"Repository\":\"$w/api\",\"Environments\":[\"production\",\"staging\"],\"Shell\":{\"Deploy\":\"sleep 600\"}}}}" > "$w/bot.json"
env "$EXTRA" DATA_DIR="$w/data" bench/bin/bot/bot serve --config "$w/bot.json" --urls http://127.0.0.1:3130 > "$w/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; [[ -f $w/data/apps/api/production/step.pid ]] && kill -9 -- -$(cut -d" " -f1 $w/data/apps/api/production/step.pid) 2>/dev/null; rm -rf "$w"' EXIT
for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/3130) 2>/dev/null && break; sleep 0.1; done
for t in "deploy api production" "status api" "deploy api production" "status api"; do
  bench/bin/tool/Bot.Bench payloads slack 200000 "$w/pool.txt" "$t" > /dev/null
  r=$(wrk -t2 -c32 -d"$DUR" --latency -s bench/lib/pool.lua http://127.0.0.1:3130/slack/commands -- "$w/pool.txt" 2 | grep WRKRESULT)
  echo "QUICK $t | ${r#WRKRESULT } | $(awk '/^VmRSS/{r=$2}/^VmHWM/{h=$2}END{printf "rss_mb=%.1f hwm_mb=%.1f", r/1024, h/1024}' /proc/$pid/status)"
done
echo "QUICK store files:"; ls -la "$w/data" | grep bot.db
