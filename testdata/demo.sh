#!/usr/bin/env bash
# The main job on the bundled testdata: extracts every fixture repository, runs the smmap4j CLI on
# it (stats, cat-file --batch-all-objects in three formats, verify-pack -v of every pack) and, where
# git is installed, diffs each output with git's byte for byte. Exit status 1 on any difference.
# Usage: testdata/demo.sh [path/to/smmap4j-launcher]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cli="${1:-$here/../smmap4j}"
work="$(mktemp -d "${TMPDIR:-/tmp}/smmap4j-demo.XXXXXX")"
trap 'rm -rf "$work"' EXIT
have_git=0; command -v git >/dev/null && have_git=1
[ $have_git = 1 ] || echo "git not found: outputs are shown, not compared"

failures=0
compare() { # name, repo, command, args: runs `smmap4j <command> -C <repo> <args>` and `git -C <repo> <command> <args>`
  local name="$1" repo="$2" cmd="$3"; shift 3
  "$cli" "$cmd" -C "$repo" "$@" > "$work/ours.out" 2> "$work/ours.err" || { echo "  FAIL  $name: smmap4j exited $?"; sed 's/^/        /' "$work/ours.err" | head -5; failures=$((failures+1)); return; }
  if [ $have_git = 1 ]; then
    git -C "$repo" "$cmd" "$@" > "$work/git.out" 2>/dev/null || true
    if cmp -s "$work/ours.out" "$work/git.out"; then
      printf '  ok    %-58s %8s bytes, identical to git\n' "$name" "$(wc -c < "$work/ours.out")"
    else
      echo "  FAIL  $name: differs from git"; diff "$work/git.out" "$work/ours.out" | head -5; failures=$((failures+1))
    fi
  else
    printf '  ran   %-58s %8s bytes\n' "$name" "$(wc -c < "$work/ours.out")"
  fi
}

for archive in "$here"/repos/*.tar.gz; do
  name="$(basename "$archive" .tar.gz)"
  tar xzf "$archive" -C "$work"
  repo="$work/$name.git"
  echo "== $name"
  "$cli" stats -C "$repo" | sed 's/^/  /'
  compare "cat-file --batch-all-objects --batch-check" "$repo" cat-file --batch-all-objects --batch-check
  compare "cat-file --batch-all-objects --batch (contents)" "$repo" cat-file --batch-all-objects --batch
  compare "cat-file --batch-check=<disk size, delta base> --unordered" "$repo" cat-file --batch-all-objects --unordered \
    '--batch-check=%(objectname) %(objecttype) %(objectsize) %(objectsize:disk) %(deltabase)'
  for idx in "$repo"/objects/pack/*.idx; do
    [ -e "$idx" ] || continue
    compare "verify-pack -v $(basename "$idx")" "$repo" verify-pack -v "$idx"
  done
done
echo
if [ $failures = 0 ]; then echo "demo: all outputs ok"; else echo "demo: $failures outputs FAILED"; exit 1; fi
