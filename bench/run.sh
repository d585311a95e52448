#!/usr/bin/env bash
# Benchmarks the bot (Native AOT) side by side with the tools users would otherwise pick, in one run,
# interleaved, loopback only, bounded in time. Writes bench/results/<UTC stamp>/{results.txt,summary.md}
# and the summary table into docs/PERFORMANCE.md (between the bench markers).
#
# Usage: bench/run.sh      env: DUR=10s CONNS=32 THREADS=2 ROUNDS=3 CS_RUNS=5 POOL=400000
#        BENCH_PEERS=<folder of the peers> (default: ../shared/bench-peers next to this checkout)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
DUR="${DUR:-10s}"; CONNS="${CONNS:-32}"; THREADS="${THREADS:-2}"; ROUNDS="${ROUNDS:-3}"; CS_RUNS="${CS_RUNS:-5}"; POOL="${POOL:-400000}"
PEERS="${BENCH_PEERS:-$root/../shared/bench-peers}"
export SLACK_SIGNING_SECRET=bench-slack-signing-secret LINE_CHANNEL_SECRET=bench-line-channel-secret
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="bench/results/$stamp"; mkdir -p "$out"
exec > >(tee "$out/run.log") 2>&1
res="$out/results.txt"; : > "$res"
work="$(mktemp -d /tmp/bot-bench.XXXXXX)"

# ---- tools and builds ----
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
[[ -d "$PEERS/peers" ]] || { echo "peers not found at $PEERS (set BENCH_PEERS)"; exit 1; }
for p in bolt line; do [[ -d "$PEERS/peers/$p/node_modules" ]] || (cd "$PEERS/peers/$p" && npm ci --no-audit --no-fund); done
aspnet="$PEERS/peers/aspnet-hello"
[[ -x "$aspnet/publish/aot/AspnetHello" ]] || dotnet publish "$aspnet" -c Release -p:PublishAot=true -o "$aspnet/publish/aot"
dotnet publish src/Bot -c Release -p:PublishAot=true -o bench/bin/bot | grep -E "warn|error|->" || true
dotnet build bench/Bot.Bench -c Release -o bench/bin/tool -v q
bot="$root/bench/bin/bot/bot"; tool="$root/bench/bin/tool/Bot.Bench"

# ---- the app the load deploys: branch "production" exists, so "/deploy api production" is real intake ----
git init -q -b main "$work/api" && (cd "$work/api" && echo "bench app" > README && git add -A &&
  git -c user.name=Bench -c user.email=b@example.invalid commit -q -m Start && git branch production)
# The load is one person sending thousands of commands a second: without "RateLimit": "off" nearly every one would be
# answered "try again in …" (RateLimit's default is 20/min per person), and the rows would measure that answer instead.
cat > "$work/bot.json" <<JSON
{ "RateLimit": "off", "Apps": { "api": { "Target": "shell", "Repository": "$work/api", "Environments": ["production", "staging"],
                     "Shell": { "Deploy": "sleep 600", "StepTimeout": "15m" } } } }
JSON

{
  echo "MACHINE date=$(date -u +%Y-%m-%dT%H:%M:%SZ) nproc=$(nproc) cpu=\"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')\""
  echo "MACHINE load=\"$(cut -d' ' -f1-3 /proc/loadavg)\" dotnet=$(dotnet --version) node=$(node --version) wrk=\"$(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)\" commit=$(git rev-parse --short HEAD)"
} | tee -a "$res"

declare -A PID=()
stop_all() { for s in "${!PID[@]}"; do kill "${PID[$s]}" 2>/dev/null || true; done
             for s in "${!PID[@]}"; do wait "${PID[$s]}" 2>/dev/null || true; done; PID=()
             # the bench app's running deploy step (sleep) lives in its own process group
             [[ -f "$work/data/apps/api/production/step.pid" ]] && kill -9 -- "-$(cut -d' ' -f1 "$work/data/apps/api/production/step.pid")" 2>/dev/null || true; }
trap 'stop_all; rm -rf "$work"' EXIT
wait_port() { for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened"; return 1; }
rss_of() { awk '/^VmRSS/{r=$2}/^VmHWM/{h=$2}END{printf "rss_mb=%.1f hwm_mb=%.1f", r/1024, h/1024}' "/proc/$1/status"; }
# Where the bot's memory is, by phase: anonymous vs mapped from files (/proc), and the runtime's own GC figures from its
# /metrics (meter System.Runtime, as dotnet-counters shows them): heap by generation and committed bytes after the last GC,
# GCs so far and bytes allocated so far.
gc_of() { # phase pid port
  local m; m=$(curl -s "http://127.0.0.1:$3/metrics")
  echo "GC name=$1 $(awk '/^RssAnon/{a=$2}/^RssFile/{f=$2}END{printf "anon_mb=%.1f file_mb=%.1f", a/1024, f/1024}' "/proc/$2/status") $(awk '
    /^dotnet_gc_last_collection_heap_size_bytes/ { match($0, /gc_heap_generation="[a-z0-9]+"/); g = substr($0, RSTART + 20, RLENGTH - 21); printf "heap_%s_mb=%.1f ", g, $NF / 1048576 }
    /^dotnet_gc_last_collection_memory_committed_size_bytes/ { printf "committed_mb=%.1f ", $NF / 1048576 }
    /^dotnet_gc_heap_total_allocated_bytes_total/ { printf "allocated_mb=%.0f ", $NF / 1048576 }
    /^dotnet_gc_collections_total/ { match($0, /gc_heap_generation="[a-z0-9]+"/); g = substr($0, RSTART + 20, RLENGTH - 21); printf "gcs_%s=%d ", g, $NF }' <<< "$m")" | tee -a "$res"
}

# ---- cold start (warm disk cache, store already migrated) and idle memory ----
bot_cmd="DATA_DIR=$work/data exec $bot serve --config $work/bot.json --urls http://127.0.0.1:3111"
(DATA_DIR="$work/data" "$bot" send "status" --config "$work/bot.json" >/dev/null)
RUNS=$CS_RUNS WARMUP=1 "$PEERS/cold-start.sh" "$bot_cmd" http://127.0.0.1:3111/slack/commands slack \
  | tee /dev/stderr | grep '^COLDSTART' | sed 's/^COLDSTART/COLDSTART name=bot/' >> "$res"
RUNS=$CS_RUNS WARMUP=1 "$PEERS/cold-start.sh" "NODE_ENV=production PORT=3101 exec node $PEERS/peers/bolt/app.js" http://127.0.0.1:3101/slack/commands slack \
  | tee /dev/stderr | grep '^COLDSTART' | sed 's/^COLDSTART/COLDSTART name=bolt/' >> "$res"
# What a new Cloud Run or Lambda instance sees with SQLite: an empty data folder each start (the store is created and migrated).
fresh_cmd="DATA_DIR=\$(mktemp -d $work/fresh.XXXXXX) exec $bot serve --config $work/bot.json --urls http://127.0.0.1:3112"
RUNS=$CS_RUNS WARMUP=1 "$PEERS/cold-start.sh" "$fresh_cmd" http://127.0.0.1:3112/slack/commands slack \
  | tee /dev/stderr | grep '^COLDSTART' | sed 's/^COLDSTART/COLDSTART name=bot-fresh/' >> "$res"
RUNS=$CS_RUNS WARMUP=1 "$PEERS/cold-start.sh" "ASPNETCORE_URLS=http://127.0.0.1:3105 exec $aspnet/publish/aot/AspnetHello" http://127.0.0.1:3105/slack/commands slack \
  | tee /dev/stderr | grep '^COLDSTART' | sed 's/^COLDSTART/COLDSTART name=aspnet-aot/' >> "$res"

# ---- all servers up ----
bash -c "DATA_DIR=$work/data exec $bot serve --config $work/bot.json --urls http://127.0.0.1:3110" > "$out/server-bot.log" 2>&1 & PID[bot]=$!
bash -c "NODE_ENV=production PORT=3101 exec node $PEERS/peers/bolt/app.js" > "$out/server-bolt.log" 2>&1 & PID[bolt]=$!
bash -c "NODE_ENV=production PORT=3102 exec node $PEERS/peers/line/app.js" > "$out/server-line.log" 2>&1 & PID[line]=$!
bash -c "ASPNETCORE_URLS=http://127.0.0.1:3104 exec $aspnet/publish/aot/AspnetHello" > "$out/server-aspnet.log" 2>&1 & PID[aspnet]=$!
for p in 3110 3101 3102 3104; do wait_port $p; done
sleep 5
echo "IDLE name=bot $(rss_of "${PID[bot]}")" | tee -a "$res"
gc_of idle "${PID[bot]}" 3110

# Every server gets the same load from the same wrk script: a pool of signed, all-different requests (bench/lib/pool.lua),
# so a ratio between two rows is the servers', not the load generator's.
pool_load() { # name kind path text [server port]
  local name=$1 kind=$2 path=$3 text=$4 server=${5:-bot} port=${6:-3110}
  "$tool" payloads "$kind" "$POOL" "$work/pool.txt" "$text" >/dev/null
  local line; line=$(wrk -t"$THREADS" -c"$CONNS" -d"$DUR" --timeout 5s --latency -s bench/lib/pool.lua "http://127.0.0.1:$port$path" -- "$work/pool.txt" "$THREADS" | grep '^WRKRESULT')
  echo "RESULT name=$name c=$CONNS t=$THREADS ${line#WRKRESULT } $(rss_of "${PID[$server]}")" | tee -a "$res"
}
peer_load() { # name url kind
  local line; line=$("$PEERS/webhook-load.sh" "$2" "$3" "$DUR" "$CONNS" "$THREADS" | grep '^RESULT')
  echo "RESULT name=$1 ${line#RESULT }" | tee -a "$res"
}
run_target() {
  case $1 in
    bot-slack-deploy) pool_load "$1" slack /slack/commands "deploy api production" ;;
    bot-slack-status) pool_load "$1" slack /slack/commands "status api" ;;
    bot-line-deploy)  pool_load "$1" line /line/webhook "deploy api production" ;;
    bot-slack-same-body) peer_load "$1" http://127.0.0.1:3110/slack/commands slack ;;
    bolt)             pool_load "$1" slack /slack/commands "deploy api production" bolt 3101 ;;
    line-sdk)         pool_load "$1" line /line/webhook "deploy api production" line 3102 ;;
    aspnet-aot-slack) pool_load "$1" slack /slack/commands "status api" aspnet 3104 ;;
    aspnet-aot-line)  pool_load "$1" line /line/webhook "deploy api production" aspnet 3104 ;;
  esac
}
TARGETS=(bot-slack-deploy bot-slack-status bot-line-deploy bot-slack-same-body bolt line-sdk aspnet-aot-slack aspnet-aot-line)
for t in "${TARGETS[@]}"; do echo "== warm-up $t"; DUR=3s run_target "$t" > /dev/null; done
grep -v '^RESULT' "$res" > "$work/keep" || true; cp "$work/keep" "$res"
for round in $(seq 1 "$ROUNDS"); do
  for t in "${TARGETS[@]}"; do echo "== round $round $t"; run_target "$t"
    if [[ $round == "$ROUNDS" && $t == bot-* ]]; then gc_of "after-$t" "${PID[bot]}" 3110; fi; done
done
stop_all

# ---- the parts measured inside: queue, log tail, chat feedback ----
"$tool" queue 300 3000 | tee -a "$res"
# the same queue on a throwaway PostgreSQL server (~10 s), where its binaries are installed
if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || [[ -n "${PG_BIN:-}" ]]; then
  "$tool" postgres 2000 300 | tee -a "$res"
else
  echo "PostgreSQL binaries not found: the postgres queue measurement is left out"
fi
logfile="$work/big.log"
set +o pipefail   # `yes | head` ends yes with SIGPIPE, as intended
yes "2026-11-25T10:00:00.000Z INFO web.1 request handled in 12 ms method=GET path=/api/items status=200 bytes=5123" | head -c 1073741824 > "$logfile"
for i in $(seq 1 50); do echo "2026-11-25T10:00:00.000Z ERROR web.1 upstream timed out path=/api/report id=$i"; \
  yes "2026-11-25T10:00:00.000Z INFO web.1 request handled in 12 ms" | head -n 2000; done >> "$logfile"
set -o pipefail
"$tool" logs "$logfile" 30 | tee -a "$res"
# The same 1 GiB file through a running AOT bot, after a deploy whose build printed 10 MB: RSS and its peak per step.
python3 bench/big-output.py "$bot" "$logfile" 10 | tee -a "$res"
rm -f "$logfile"
"$tool" feedback "$bot" 20 | tee -a "$res"
"$tool" logpage 10000 30 300 | tee -a "$res"

echo "MACHINE load_after=\"$(cut -d' ' -f1-3 /proc/loadavg)\"" | tee -a "$res"
python3 bench/summarize.py "$res" "$out/summary.md" docs/PERFORMANCE.md
echo "results: $out"
