#!/bin/sh
# Deploy step: stop the running server (if any) and start this release's in the background.
# The pid and log live in $SHARED_DIR, which outlives release folders.
set -e
pidfile="$SHARED_DIR/server.pid"
alive() { [ -r "/proc/$1/stat" ] && [ "$(cut -d' ' -f3 "/proc/$1/stat")" != Z ]; }
if [ -f "$pidfile" ] && alive "$(cat "$pidfile")"; then
  old="$(cat "$pidfile")"
  echo "Stopping the server of the previous release (pid $old)"
  kill "$old"
  for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do alive "$old" || break; sleep 0.1; done
fi
setsid nohup python3 server.py >> "$SHARED_DIR/server.log" 2>&1 < /dev/null &
echo $! > "$pidfile"
echo "Started release $RELEASE on port $PORT (pid $!)"
