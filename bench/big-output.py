#!/usr/bin/env python3
"""Memory with big output: a running `bot serve` (Native AOT) deploys an app whose build prints 10 MB and serves that
deploy's whole log page; a fresh `bot serve` on the same store answers `logs` (tail and grep) over a 1 GiB log file; all
through signed Slack commands. Prints one line per step with the server's RSS and its peak (VmHWM) so far, in MB; the
goal is a peak under 100 MB, so the 128 MB Lambda of deploy/aws-lambda never runs out. Each case starts from a fresh
process, so one case's peak is not charged to the next (the GC keeps what it committed).

Usage: bench/big-output.py <path to the bot binary> <1 GiB log file> [output MB=10]
"""
import hashlib, hmac, json, os, re, socket, subprocess, sys, tempfile, time, urllib.parse, urllib.request

bot, logfile = sys.argv[1], os.path.abspath(sys.argv[2])
megabytes = int(sys.argv[3]) if len(sys.argv) > 3 else 10
secret = "bench-big-output-secret"
work = tempfile.mkdtemp(prefix="bot-big-output.")
repo = os.path.join(work, "repo")
subprocess.run(["git", "init", "-q", "-b", "main", repo], check=True)
subprocess.run(["git", "-C", repo, "-c", "user.name=b", "-c", "user.email=b@e", "commit", "-q", "--allow-empty", "-m", "first"], check=True)
subprocess.run(["git", "-C", repo, "branch", "production"], check=True)
# 10 MB of build output in 100-byte lines, as a chatty compiler prints it.
line = "compiling module src/components/widgets/table/column-resizer.ts with 412 dependencies ... done in 3 ms"
build = f"yes '{line[:99]}' | head -c {megabytes * 1048576}; echo"
config = os.path.join(work, "bot.json")
json.dump({"RateLimit": "off", "Apps": {"big": {"Target": "shell", "Repository": repo, "Environments": ["production"],
                                               "Shell": {"Build": build, "Deploy": "true", "LogFile": logfile}}}}, open(config, "w"))
with socket.socket() as s:
    s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]
url = f"http://127.0.0.1:{port}"
env = dict(os.environ, SLACK_SIGNING_SECRET=secret, DATA_DIR=os.path.join(work, "data"), BOT_PUBLIC_URL=url)
server = None


def start():
    global server
    server = subprocess.Popen([bot, "serve", "--config", config, "--urls", url], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1); break
        except Exception:
            time.sleep(0.05)
    time.sleep(2)


def stop():
    server.terminate()
    try:
        server.wait(30)
    except subprocess.TimeoutExpired:
        print("BIGOUTPUT the server did not stop within 30 s of SIGTERM", flush=True); server.kill(); server.wait()


def memory():
    fields = dict(l.split(":", 1) for l in open(f"/proc/{server.pid}/status"))
    mb = lambda k: int(fields[k].split()[0]) / 1024
    # The runtime's own figures after its last GC (meter System.Runtime on /metrics): the heap and what the GC keeps committed.
    heap = committed = 0.0
    with urllib.request.urlopen(url + "/metrics", timeout=10) as r:
        for sample in r.read().decode().splitlines():
            if sample.startswith("dotnet_gc_last_collection_heap_size_bytes"): heap += float(sample.split()[-1])
            elif sample.startswith("dotnet_gc_last_collection_memory_committed_size_bytes"): committed = float(sample.split()[-1])
    return (f"rss_mb={mb('VmRSS'):.1f} hwm_mb={mb('VmHWM'):.1f} anon_mb={mb('RssAnon'):.1f} mapped_mb={mb('RssFile'):.1f} "
            f"gc_heap_mb={heap / 1048576:.1f} gc_committed_mb={committed / 1048576:.1f}")


def command(text, n=[0]):
    n[0] += 1
    verb, _, rest = text.partition(" ")
    body = urllib.parse.urlencode({"team_id": "T1", "channel_id": "C1", "user_id": "U1", "user_name": "bench", "command": "/" + verb,
                                   "text": rest, "trigger_id": f"big.{n[0]}.{time.time_ns()}", "response_url": "https://hooks.slack.com/commands/1/2"}).encode()
    ts = str(int(time.time()))
    signature = "v0=" + hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(url + "/slack/commands", data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature})
    with urllib.request.urlopen(request, timeout=60) as r:
        return json.dumps(json.loads(r.read()), ensure_ascii=False)


try:
    start()
    print(f"BIGOUTPUT name=idle {memory()}", flush=True)
    began = time.time()
    answer = command("deploy big production")
    assert "big" in answer, answer
    # The deploy has ended when `status` shows nothing queued (🕒) or running (⏳); the build's 10 MB go through the store meanwhile.
    while True:
        time.sleep(0.5)
        status = command("status big")
        if "⏳" not in status and "🕒" not in status:
            break
        if time.time() - began > 600:
            raise SystemExit("the deploy did not end in 10 minutes")
    ok = "#1" in status
    print(f"BIGOUTPUT name=deploy-{megabytes}mb-build-output seconds={time.time() - began:.1f} ended={'yes' if ok else 'no'} {memory()}", flush=True)
    logs = command("logs big #1")
    link = re.search(r"https?://[^\s\"<>|]+/d/[^\s\"<>|\\]+", logs)
    if link:
        page = link.group(0).replace("\\u0026", "&")
        page = url + page[page.index("/d/"):]
        with urllib.request.urlopen(page, timeout=120) as r:
            size = len(r.read())
        print(f"BIGOUTPUT name=log-page-{megabytes}mb bytes={size} {memory()}", flush=True)
    else:
        print(f"BIGOUTPUT name=log-page-{megabytes}mb link=none answer={logs[:200]!r}", flush=True)
    stop()
    start()
    print(f"BIGOUTPUT name=idle-again {memory()}", flush=True)
    size = os.path.getsize(logfile) / 1048576
    for name, text in (("logs-1gib-200", "logs big 200"), ("logs-1gib-grep", "logs big 200 grep ERROR")):
        t0 = time.time()
        answer = command(text)
        assert "big" in answer or "ERROR" in answer or "INFO" in answer, answer[:300]
        print(f"BIGOUTPUT name={name} log_mb={size:.0f} ms={(time.time() - t0) * 1000:.0f} {memory()}", flush=True)
finally:
    if server is not None and server.poll() is None:
        stop()
    subprocess.run(["rm", "-rf", work])
