#!/bin/sh
# Health step: the server answers, and it is this release that answers (not the old one still running).
exec python3 - <<'PY'
import json, os, sys, urllib.request
try:
    with urllib.request.urlopen("http://127.0.0.1:%s/healthz" % os.environ["PORT"], timeout=2) as r:
        body = json.load(r)
except Exception as e:
    print("not answering yet: %s" % e)
    sys.exit(1)
if body.get("release") != os.environ.get("RELEASE"):
    print("release %s still answers, waiting for %s" % (body.get("release"), os.environ.get("RELEASE")))
    sys.exit(1)
print("release %s is healthy" % body["release"])
PY
