#!/bin/sh
# The example's one-off task (`run example migrate`): it pretends to apply database migrations to the
# live release. `MIGRATE_FAIL=1` (set with `config set example MIGRATE_FAIL=1`) makes it fail, to see
# how a failed task is reported.
echo "Migrating the example's database for release $RELEASE"
for m in 0001_initial 0002_greetings; do
  echo "  Applying $m... OK"
done
if [ "${MIGRATE_FAIL:-}" = 1 ]; then
  echo "  Applying 0003_broken... FAILED: column \"greeting\" already exists" >&2
  exit 3
fi
echo "No migrations left to apply."
