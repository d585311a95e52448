#!/bin/sh
# Build step: check the code compiles and record what was built.
set -e
echo "Checking server.py"
python3 -m py_compile server.py
echo "release=$RELEASE sha=$DEPLOY_SHA built=$(date -u +%Y-%m-%dT%H:%M:%SZ)" > build-info.txt
echo "Built release $RELEASE"
