#!/usr/bin/env bash
# Makes first-schema.sqlite again with the first release's own code (commit 276deb8, schema
# "v1: cases, timeline, stages, outbox, reports, counters"): a throw-away git worktree of that
# commit, MakeFirstSchemaFixture.swift.txt copied into its engine tests, built and run there.
# Takes a debug build of that commit (minutes). The result differs from the committed file in
# its random ids only; the tests compare the file with itself, before and after migration.
#
#   Tests/Fixtures/first-schema/make-fixture.sh [OUT]    OUT defaults to first-schema.sqlite here
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(git -C "$here" rev-parse --show-toplevel)"
out="${1:-$here/first-schema.sqlite}"
commit=276deb8
old="$(mktemp -d)/followupd-$commit"

git -C "$repo" worktree add --detach "$old" "$commit" >&2
trap 'git -C "$repo" worktree remove --force "$old"' EXIT
cp "$here/MakeFirstSchemaFixture.swift.txt" "$old/Tests/FollowupEngineTests/MakeFirstSchemaFixture.swift"
made="$(dirname "$old")/first-schema.sqlite"
rm -f "$made" "$made-wal" "$made-shm"
(cd "$old" && swift build --build-tests >&2 && FIXTURE_PATH="$made" swift test --skip-build --filter MakeFirstSchemaFixture >&2)
# Everything in the main file (the store closed with its write-ahead log folded in, but make sure).
sqlite3 "$made" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
rm -f "$made-wal" "$made-shm"
cp "$made" "$out"
echo "$out"
