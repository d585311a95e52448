#!/usr/bin/env bash
# Soak: the AOT bot under mixed load for a long time (default 30 minutes), sampling its memory and open
# file descriptors every 10 s, to show they stay flat. Not part of CI.
# Usage: bench/soak.sh [MINUTES]     env: CONNS=16 THREADS=2 POOL=300000
# Writes bench/results/soak-<UTC stamp>/{samples.csv,soak.log} and prints the first and last samples and the trend.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
MINUTES="${1:-30}"; CONNS="${CONNS:-16}"; THREADS="${THREADS:-2}"; POOL="${POOL:-300000}"
export SLACK_SIGNING_SECRET=bench-slack-signing-secret LINE_CHANNEL_SECRET=bench-line-channel-secret
out="bench/results/soak-$(date -u +%Y%m%dT%H%M%SZ)"; mkdir -p "$out"
exec > >(tee "$out/soak.log") 2>&1
work="$(mktemp -d /tmp/bot-soak.XXXXXX)"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
[[ -x bench/bin/bot/bot ]] || dotnet publish src/Bot -c Release -p:PublishAot=true -o bench/bin/bot
[[ -x bench/bin/tool/Bot.Bench ]] || dotnet build bench/Bot.Bench -c Release -o bench/bin/tool -v q
bot="$root/bench/bin/bot/bot"; tool="$root/bench/bin/tool/Bot.Bench"

# Ten apps whose deploys really run (build, deploy and health steps that do little), so the worker,
# the git clones, the child processes and the store are all exercised, not just the webhooks.
git init -q -b main "$work/app" && (cd "$work/app" && echo soak > README && git add -A && git -c user.name=Soak -c user.email=s@example.invalid commit -q -m Start)
apps=$(for i in $(seq 0 9); do printf '"app%d": {"Target":"shell","Repository":"%s","Shell":{"Build":"echo building","Deploy":"sleep 1","Health":"true"}},' "$i" "$work/app"; done)
echo "{\"Apps\":{${apps%,}}}" > "$work/bot.json"
DATA_DIR="$work/data" "$bot" serve --config "$work/bot.json" --urls http://127.0.0.1:3120 > "$out/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/3120) 2>/dev/null && break; sleep 0.1; done

echo "seconds,rss_mb,fds,threads,deployments" > "$out/samples.csv"
sample() {
  local rss fds threads deps
  rss=$(awk '/^VmRSS/{printf "%.1f", $2/1024}' "/proc/$pid/status")
  threads=$(awk '/^Threads/{print $2}' "/proc/$pid/status")
  fds=$(ls "/proc/$pid/fd" | wc -l)
  deps=$(sqlite3 "$work/data/bot.db" "SELECT COUNT(*) FROM deployments" 2>/dev/null || echo "?")
  echo "$1,$rss,$fds,$threads,$deps" >> "$out/samples.csv"
}
end=$(( $(date +%s) + MINUTES * 60 )); start=$(date +%s)
while (( $(date +%s) < end )); do
  # One minute of mixed traffic: deploy and status commands from Slack, deploys from LINE, all different deliveries.
  for kind in "slack deploy app$((RANDOM % 10)) main" "slack status app$((RANDOM % 10))" "line deploy app$((RANDOM % 10)) main"; do
    read -r platform text <<<"$kind"
    "$tool" payloads "$platform" "$POOL" "$work/pool.txt" "$text" > /dev/null
    path=/slack/commands; [[ $platform == line ]] && path=/line/webhook
    wrk -t"$THREADS" -c"$CONNS" -d20s -s bench/lib/pool.lua "http://127.0.0.1:3120$path" -- "$work/pool.txt" "$THREADS" | grep WRKRESULT || true
    sample $(( $(date +%s) - start ))
  done
done
python3 - "$out/samples.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
def trend(key):
    xs = [float(r["seconds"]) for r in rows]; ys = [float(r[key]) for r in rows]
    n = len(xs); mx, my = sum(xs)/n, sum(ys)/n
    slope = sum((x-mx)*(y-my) for x, y in zip(xs, ys)) / max(1e-9, sum((x-mx)**2 for x in xs))
    return ys[0], ys[-1], min(ys), max(ys), slope * 600
for key in ("rss_mb", "fds", "threads"):
    first, last, lo, hi, per10 = trend(key)
    print(f"SOAK {key}: first={first:g} last={last:g} min={lo:g} max={hi:g} trend_per_10min={per10:+.2f}")
print(f"SOAK samples={len(rows)} deployments={rows[-1]['deployments']}")
PY
