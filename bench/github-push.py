#!/usr/bin/env python3
"""How fast a GitHub push webhook is answered: signed deliveries of distinct pushes, one after another, to a running
`bot serve` (Native AOT) whose app deploys on push. Prints p50/p90/p99/max in ms. GitHub waits 10 s and never retries.

Usage: bench/github-push.py <path to the bot binary> [N=300]
"""
import hashlib, hmac, json, os, socket, subprocess, sys, tempfile, time, urllib.request

bot, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 300
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
work = tempfile.mkdtemp(prefix="bot-push-bench.")
repo = os.path.join(work, "repo")
subprocess.run(["git", "init", "-q", "-b", "main", repo], check=True)
subprocess.run(["git", "-C", repo, "-c", "user.name=b", "-c", "user.email=b@e", "commit", "-q", "--allow-empty", "-m", "first"], check=True)
config = os.path.join(work, "bot.json")
json.dump({"Apps": {"site": {"Target": "shell", "Repository": repo, "GitHub": "acme/site", "AutoDeploy": "main",
                              "Shell": {"Deploy": "true"}}}}, open(config, "w"))
with socket.socket() as s:
    s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]
url = f"http://127.0.0.1:{port}"
env = dict(os.environ, GITHUB_WEBHOOK_SECRET="bench", DATA_DIR=os.path.join(work, "data"))
server = subprocess.Popen([bot, "serve", "--config", config, "--urls", url], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    for _ in range(200):
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1); break
        except Exception:
            time.sleep(0.05)
    example = json.load(open(os.path.join(root, "tests/specs/github/payload-examples/push/with-new-branch.payload.json")))
    times = []
    for i in range(n):
        sha = hashlib.sha1(str(i).encode()).hexdigest()
        example.update({"ref": "refs/heads/main", "after": sha})
        example["repository"]["full_name"] = "acme/site"
        body = json.dumps(example).encode()
        request = urllib.request.Request(url + "/github/webhook", data=body, headers={
            "Content-Type": "application/json", "X-GitHub-Event": "push", "X-GitHub-Delivery": f"bench-{i}",
            "X-Hub-Signature-256": "sha256=" + hmac.new(b"bench", body, hashlib.sha256).hexdigest()})
        start = time.perf_counter()
        with urllib.request.urlopen(request) as r:
            r.read(); assert r.status == 202, r.status
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    q = lambda p: times[min(len(times) - 1, int(p * len(times)))]
    print(f"github-push n={n} p50={q(0.5):.2f}ms p90={q(0.9):.2f}ms p99={q(0.99):.2f}ms max={times[-1]:.2f}ms")
finally:
    server.terminate(); server.wait(10)
    subprocess.run(["rm", "-rf", work])
