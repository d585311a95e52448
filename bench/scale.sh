#!/usr/bin/env bash
# How cost grows with the store: for each store (SQLite, PostgreSQL) and size (apps × deployments), seeds a year of
# history (Bot.Bench seed), starts the AOT bot on it, and measures what bench/run.sh measures for intake and status
# (signed /deploy and /status through wrk and bench/lib/pool.lua), `history`, and cold start to the first signed ack.
# Writes bench/results/scale-<UTC stamp>/{results.txt,scale.md}.
#
# Usage: bench/scale.sh   env: SIZES="1x1000 100x100000 1000x1000000 ..." (apps x deployments; default: all nine)
#        STORES="sqlite postgres" DUR=5s CONNS=32 THREADS=2 CS_RUNS=3 POOL=200000 BENCH_PEERS=<folder of the peers>
#        BUILD=0 to reuse bench/bin/bot and bench/bin/tool as bench/run.sh left them.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
SIZES="${SIZES:-1x1000 1x100000 1x1000000 100x1000 100x100000 100x1000000 1000x1000 1000x100000 1000x1000000}"
STORES="${STORES:-sqlite postgres}"
DUR="${DUR:-5s}"; CONNS="${CONNS:-32}"; THREADS="${THREADS:-2}"; CS_RUNS="${CS_RUNS:-3}"; POOL="${POOL:-200000}"
PEERS="${BENCH_PEERS:-$root/../shared/bench-peers}"
export SLACK_SIGNING_SECRET=bench-slack-signing-secret LINE_CHANNEL_SECRET=bench-line-channel-secret
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="bench/results/scale-$stamp"; mkdir -p "$out"
exec > >(tee "$out/run.log") 2>&1
res="$out/results.txt"; : > "$res"
work="$(mktemp -d /tmp/bot-scale.XXXXXX)"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
[[ -x "$PEERS/cold-start.sh" ]] || { echo "peers not found at $PEERS (set BENCH_PEERS)"; exit 1; }
if [[ "${BUILD:-1}" != 0 ]]; then
  dotnet publish src/Bot -c Release -p:PublishAot=true -o bench/bin/bot | grep -E "warn|error|->" || true
  dotnet build bench/Bot.Bench -c Release -o bench/bin/tool -v q
fi
bot="$root/bench/bin/bot/bot"; tool="$root/bench/bin/tool/Bot.Bench"

echo "MACHINE date=$(date -u +%Y-%m-%dT%H:%M:%SZ) nproc=$(nproc) load=\"$(cut -d' ' -f1-3 /proc/loadavg)\" commit=$(git rev-parse --short HEAD)" | tee -a "$res"

# The apps' repository: one local repository every app shares (start-up fetches it once and copies it for the rest).
git init -q -b main "$work/repo" && (cd "$work/repo" && echo "bench app" > README && git add -A &&
  git -c user.name=Bench -c user.email=b@example.invalid commit -q -m Start && git branch production)

PG=""; pgpid=""
stop_all() { [[ -n "${botpid:-}" ]] && { kill "$botpid" 2>/dev/null || true; wait "$botpid" 2>/dev/null || true; botpid=""; }
             for f in "$work"/data-*/apps/*/*/step.pid; do [[ -f "$f" ]] && kill -9 -- "-$(cut -d' ' -f1 "$f")" 2>/dev/null || true; done; }
trap 'stop_all; [[ -n "$pgpid" ]] && { kill "$pgpid" 2>/dev/null || true; wait "$pgpid" 2>/dev/null || true; }; rm -rf "$work"' EXIT
wait_port() { for _ in $(seq 1 600); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened"; return 1; }
rss_of() { awk '/^VmRSS/{r=$2}/^VmHWM/{h=$2}END{printf "rss_mb=%.1f hwm_mb=%.1f", r/1024, h/1024}' "/proc/$1/status"; }

# As in bench/run.sh: the same pool of signed, all-different requests for every row.
pool_load() { # name kind path text
  local name=$1 kind=$2 path=$3 text=$4
  "$tool" payloads "$kind" "$POOL" "$work/pool.txt" "$text" >/dev/null
  local line; line=$(wrk -t"$THREADS" -c"$CONNS" -d"$DUR" --timeout 5s --latency -s bench/lib/pool.lua "http://127.0.0.1:3120$path" -- "$work/pool.txt" "$THREADS" | grep '^WRKRESULT')
  echo "RESULT $tags name=$name c=$CONNS t=$THREADS ${line#WRKRESULT } $(rss_of "$botpid")" | tee -a "$res"
}

if [[ " $STORES " == *" postgres "* ]]; then
  count=$(wc -w <<< "$SIZES")
  "$tool" pg-server "$count" "$work/pg-urls" & pgpid=$!
  for _ in $(seq 1 600); do [[ -f "$work/pg-urls" ]] && break; sleep 0.1; done
  [[ -f "$work/pg-urls" ]] || { echo "PostgreSQL did not start"; exit 1; }
fi

n=0
for store in $STORES; do
  n=0
  for size in $SIZES; do
    n=$((n + 1)); apps=${size%x*}; deployments=${size#*x}
    data="$work/data-$store-$size"; mkdir -p "$data"
    tags="store=$store apps=$apps deployments=$deployments"
    echo "== $tags"
    # One config entry per app, all on the shared repository.
    { echo '{ "RateLimit": "off", "Apps": {'
      for a in $(seq 0 $((apps - 1))); do
        name=api; [[ $a -gt 0 ]] && name="app$a"; sep=","; [[ $a -eq $((apps - 1)) ]] && sep=""
        echo "\"$name\": { \"Target\": \"shell\", \"Repository\": \"$work/repo\", \"Environments\": [\"production\", \"staging\"], \"Shell\": { \"Deploy\": \"sleep 600\", \"StepTimeout\": \"15m\" } }$sep"
      done
      echo '} }'; } > "$work/bot.json"
    if [[ $store == postgres ]]; then
      url=$(sed -n "${n}p" "$work/pg-urls")
      DATABASE_URL="$url" "$tool" seed "$apps" "$deployments" | tee -a "$res"
      env_store="DATABASE_URL=$url"
    else
      "$tool" seed "$apps" "$deployments" "$data/bot.db" | tee -a "$res"
      env_store="DATABASE_URL="
    fi
    # Cold start to the first signed ack on the seeded store.
    RUNS=$CS_RUNS WARMUP=1 "$PEERS/cold-start.sh" "$env_store DATA_DIR=$data exec $bot serve --config $work/bot.json --urls http://127.0.0.1:3121" \
      http://127.0.0.1:3121/slack/commands slack | grep '^COLDSTART' | sed "s/^COLDSTART/COLDSTART $tags name=bot/" | tee -a "$res"
    bash -c "$env_store DATA_DIR=$data exec $bot serve --config $work/bot.json --urls http://127.0.0.1:3120" > "$out/server-$store-$size.log" 2>&1 & botpid=$!
    wait_port 3120
    DUR=2s pool_load warm-up slack /slack/commands "status api" > /dev/null
    pool_load deploy slack /slack/commands "deploy api production"
    pool_load status slack /slack/commands "status api"
    pool_load history slack /slack/commands "history api"
    stop_all
    [[ $store == sqlite ]] && rm -rf "$data"
  done
done
echo "MACHINE load_after=\"$(cut -d' ' -f1-3 /proc/loadavg)\"" | tee -a "$res"

# The table: one row per store and size.
python3 - "$res" "$out/scale.md" <<'PY'
import re, sys
rows, order = {}, []
for line in open(sys.argv[1]):
    kv = dict(re.findall(r'(\w+)=("[^"]*"|\S+)', line))
    if "store" not in kv: continue
    key = (kv["store"], int(kv["apps"]), int(kv["deployments"]))
    if key not in rows: rows[key] = {}; order.append(key)
    r = rows[key]
    if line.startswith("SEED"): r["seed"] = f'{float(kv["seconds"]):.0f} s ({int(float(kv["rows_per_s"])):,} rows/s)'
    elif line.startswith("COLDSTART"): r["cold"] = kv.get("first_2xx_ms_median", "?")
    elif line.startswith("RESULT"): r[kv["name"]] = f'{kv["rps"]} / {kv["p50_ms"]} / {kv["p99_ms"]}'
with open(sys.argv[2], "w") as f:
    f.write("| store | apps | deployments | seed | deploy req/s / p50 / p99 ms | status req/s / p50 / p99 ms | history req/s / p50 / p99 ms | cold start to first signed ack (ms, median) |\n")
    f.write("|---|---:|---:|---|---|---|---|---:|\n")
    for k in order:
        r = rows[k]
        f.write(f'| {k[0]} | {k[1]:,} | {k[2]:,} | {r.get("seed","")} | {r.get("deploy","")} | {r.get("status","")} | {r.get("history","")} | {r.get("cold","")} |\n')
print(open(sys.argv[2]).read())
PY
echo "results: $out"
