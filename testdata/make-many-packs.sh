#!/usr/bin/env bash
# Makes a repository of many packs with a multi-pack-index from an existing clone, for the
# benchmark's W3/W3N (random lookups with and without the multi-pack-index; see PackBench):
#
#   bash testdata/make-many-packs.sh <clone> <dest.git> [<packs, default 60>]
#   bash testdata/make-many-packs.sh /work/.mirror/git+git/repo /tmp/many-packs.git 60
#   mvn -B -ntp -Pjgit-bench -pl pack-reader -am verify \
#       -Djgit-bench.args="--repo /tmp/many-packs.git --workloads W3,W3N --rounds 3 --no-rss"
#
# <dest.git> is a bare clone of <clone> (local clones hard-link the objects; nothing is written
# to <clone>). HEAD's first-parent history is cut into <packs> - 1 ranges of as many commits
# each; pack k holds what range k adds to range k - 1 (git pack-objects --revs), then one pack
# everything else any ref reaches (other branches, tags), and one every object of the clone's
# packs left over (unreachable ones). The clone's own packs are then removed and
# `git multi-pack-index write` indexes the new ones (<packs> + 1 of them; a few objects end up
# in two).
# Takes minutes on git.git (deltas are searched again across ranges). Nothing it makes
# belongs in the repository.
set -euo pipefail
if [ $# -lt 2 ]; then
  sed -n '2,18p' "$0" >&2
  exit 2
fi
SRC=$1 DEST=$2 N=${3:-60}
[ "$N" -ge 2 ] || { echo "need at least 2 packs" >&2; exit 2; }
[ -e "$DEST" ] && { echo "$DEST exists" >&2; exit 2; }
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
git clone -q --bare "$SRC" "$DEST"
cd "$DEST"
rm -rf objects/pack/multi-pack-index* # a local clone copies the clone's own, which names its packs
old=$(ls objects/pack/*.pack 2>/dev/null || true)
git rev-list --first-parent --reverse HEAD > "$DEST/first-parent.tmp"
total=$(wc -l < "$DEST/first-parent.tmp")
step=$(( (total + N - 2) / (N - 1) ))
prev=
new=
for ((k = 1; k < N; k++)); do
  i=$(( k * step ))
  if (( i > total )); then i=$total; fi
  tip=$(sed -n "${i}p" "$DEST/first-parent.tmp")
  if [ -n "$prev" ]; then range="$tip ^$prev"; else range=$tip; fi
  new+=" $(printf '%s\n' $range | git pack-objects -q --revs objects/pack/pack)"
  prev=$tip
  if (( i == total )); then break; fi
done
new+=" $(echo "^$prev" | git pack-objects -q --revs --all objects/pack/pack)"
rm -f "$DEST/first-parent.tmp"
# Objects no ref reaches (or a partial clone's promised ones' neighbours) go into one more pack.
ids() { for h in "$@"; do git show-index < "objects/pack/pack-$h.idx"; done | cut -d' ' -f2 | sort -u; }
comm -23 <(ids $(for p in $old; do basename "${p%.pack}" | sed 's/^pack-//'; done)) <(ids $new) > "$DEST/rest.tmp"
if [ -s "$DEST/rest.tmp" ]; then
  new+=" $(git pack-objects -q objects/pack/pack < "$DEST/rest.tmp")"
fi
rm -f "$DEST/rest.tmp"
for p in $old; do
  case " $new " in
    *" $(basename "${p%.pack}" | sed 's/^pack-//') "*) ;;  # the same pack written again: keep it
    *) rm -f "${p%.pack}".* ;;
  esac
done
git multi-pack-index write
echo "$DEST: $(ls objects/pack/*.pack | wc -l) packs, $(git count-objects -v | sed -n 's/^in-pack: //p') objects, multi-pack-index written" >&2
