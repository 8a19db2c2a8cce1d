#!/usr/bin/env bash
# Makes a bare repository of ONE pack larger than 4 GiB, so that its idx (v2) needs 64-bit
# offsets for real, for PackBench --latency-curve (issue 14, see LatencyCurveBench):
#
#   bash testdata/make-large-pack.sh <history-clone> <dest.git> [<GiB of random blobs, default 5>]
#   bash testdata/make-large-pack.sh /work/.mirror/git+git/repo /tmp/large-pack.git 5
#
# The pack holds every object any ref of <history-clone> reaches (its deltas are
# reused, not searched again) plus <GiB> of incompressible blobs (8 MiB of AES-CTR keystream
# each, deterministic) on one branch, refs/heads/random-blobs, one commit each whose tree holds
# only that blob, the commits dated evenly over the history's span: git pack-objects writes
# blobs in the order the date-ordered walk first sees them, so the history's blobs end up
# spread between the random ones, at offsets up to the end of the pack (commits and trees come
# first, as in any pack). Objects the clone lacks (a partial clone's promised ones) are
# left out (--missing=allow-any), so `git fsck` of the result reports those as missing, as it
# does for the clone. Nothing is written outside <dest.git>; 14-18 minutes for git.git on a loaded
# 2-core VM (writing and hashing the pack, twice). Nothing it makes belongs in the repository.
set -euo pipefail
if [ $# -lt 2 ]; then
  sed -n '2,17p' "$0" >&2
  exit 2
fi
SRC=$1 DEST=$2 GIB=${3:-5}
BLOB=$((8 << 20))
N=$(( (GIB << 30) / BLOB ))
[ "$N" -ge 1 ] || { echo "need at least 1 GiB" >&2; exit 2; }
[ -e "$DEST" ] && { echo "$DEST exists" >&2; exit 2; }
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
SRCGIT=$(git -C "$SRC" rev-parse --absolute-git-dir)
git init -q --bare "$DEST"
DEST=$(cd "$DEST" && pwd)
# The history's objects are borrowed while packing, then copied into the one pack.
echo "$SRCGIT/objects" > "$DEST/objects/info/alternates"
git -C "$SRCGIT" for-each-ref --format='create %(refname) %(objectname)' \
  | git --git-dir="$DEST" update-ref --stdin
span=$(git -C "$SRCGIT" log --all --format=%ct | sort -n | sed -n '1p;$p')
FIRST=${span%%$'\n'*} LAST=${span##*$'\n'}
# The random blobs: fast-import stores them whole (no delta search above 1 MiB), uncompressed.
for ((i = 0; i < N; i++)); do
  t=$(( FIRST + (LAST - FIRST) * i / N ))
  msg="random blob $i"
  printf 'commit refs/heads/random-blobs\ncommitter Large Pack <large@example.com> %d +0000\ndata %d\n%s\n' "$t" $(( ${#msg} + 1 )) "$msg"
  printf 'deleteall\nM 100644 inline blobs/%05d.bin\ndata %d\n' "$i" "$BLOB"
  { openssl enc -aes-128-ctr -nosalt -pbkdf2 -pass "pass:smmap4j large pack blob $i" < /dev/zero 2>/dev/null || true; } \
    | head -c "$BLOB"
  printf '\n'
done | git --git-dir="$DEST" -c core.compression=0 -c pack.compression=0 fast-import --quiet --big-file-threshold=1m
old=$(ls "$DEST"/objects/pack/*.pack)
# One pack of everything: existing deltas and compressed data reused, no new delta search.
git --git-dir="$DEST" -c pack.compression=0 pack-objects --all --missing=allow-any --delta-base-offset \
  --window=0 --threads=2 -q "$DEST/objects/pack/pack" < /dev/null > /dev/null
for p in $old; do rm -f "$p" "${p%.pack}.idx"; done
rm -f "$DEST/objects/info/alternates"
git --git-dir="$DEST" pack-refs --all
pack=$(ls "$DEST"/objects/pack/*.pack)
idx=${pack%.pack}.idx
# idx v2: 8 + 256*4 header and fan-out, 28 bytes an object, 8 a large offset, 40 of checksums.
count=$(git --git-dir="$DEST" count-objects -v | sed -n 's/^in-pack: //p')
large=$(( ($(stat -c %s "$idx") - 8 - 1024 - 28 * count - 40) / 8 ))
echo "$pack: $(stat -c %s "$pack") bytes, $count objects, $large 64-bit offsets"
[ "$large" -gt 0 ] || { echo "no 64-bit offsets: the pack is not over 2 GiB" >&2; exit 1; }
