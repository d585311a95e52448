#!/bin/sh
# Run by the bot on first start (InitRepository in examples/bot.json) when this folder is not a git
# repository yet. It records a short history so there is something to roll back to:
#   v1      the first greeting
#   main    the current greeting (this folder as it is)
#   broken  a release whose health check fails, to watch the bot put the previous release back
set -e
git init -q .
git symbolic-ref HEAD refs/heads/main
commit() { git -c user.name=Deploybot -c user.email=example@deploybot.invalid commit -q -m "$1"; }
cp message.txt .message.now
echo "Hello, world!" > message.txt
git add -A . ':!.message.now'
commit "Example app: a tiny HTTP server"
git tag v1
mv .message.now message.txt
git add message.txt
commit "Friendlier greeting"
git checkout -q -b broken
touch BREAK_HEALTH
git add BREAK_HEALTH
commit "Break the health check (to try the automatic rollback)"
git checkout -q main
echo "Created the example's repository: branches main and broken, tag v1"
