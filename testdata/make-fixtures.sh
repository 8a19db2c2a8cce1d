#!/usr/bin/env bash
# Deterministically (re)creates the fixture repositories under testdata/repos/.
#
#   bash testdata/make-fixtures.sh          # from any directory
#
# Needs only bash, git (tested with 2.39), awk, tar (GNU), gzip and coreutils.
# Every fixture is a bare repository written as testdata/repos/<name>.tar.gz whose
# top-level entry is <name>.git/ (multipack.tar.gz also holds multipack-alt.git/).
# All content is generated here (seeded Park-Miller generator in awk); all names,
# e-mails and dates are fixed, packs are written single-threaded, and the archives
# are normalised (sorted names, owner 0, mtime 0, gzip -n), so two runs with the same
# git/zlib/tar/gzip produce byte-identical archives. See testdata/README.md.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT="$HERE/repos"

umask 022
export LC_ALL=C TZ=UTC
# Isolate from the caller's git environment and configuration.
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES \
      GIT_COMMON_DIR GIT_NAMESPACE GIT_CEILING_DIRECTORIES GIT_TEMPLATE_DIR GIT_CONFIG \
      GIT_CONFIG_PARAMETERS GIT_AUTHOR_DATE GIT_COMMITTER_DATE 2>/dev/null || true
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME="A U Thor" GIT_AUTHOR_EMAIL="author@example.com"
export GIT_COMMITTER_NAME="C O Mitter" GIT_COMMITTER_EMAIL="committer@example.com"
# Settings every git command below sees (not written into the fixtures' config files).
cfg=(pack.threads=1 pack.writeReverseIndex=false repack.writeBitmaps=false
     pack.writeBitmapHashCache=false gc.auto=0 core.autocrlf=false
     init.defaultBranch=main advice.nestedTag=false tag.gpgSign=false commit.gpgSign=false)
export GIT_CONFIG_COUNT=${#cfg[@]}
for i in "${!cfg[@]}"; do
  export "GIT_CONFIG_KEY_$i=${cfg[$i]%%=*}" "GIT_CONFIG_VALUE_$i=${cfg[$i]#*=}"
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/smmap4j-fixtures.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"

log() { printf '[make-fixtures] %s\n' "$*" >&2; }

# --------------------------------------------------------------------------------------
# Generator of a fast-import stream: text files in subdirectories edited a little in each
# commit (long delta chains), optional special entries (empty blob, 100755, symlink,
# gitlink + .gitmodules), optional 20-60 KB incompressible binary blobs that are edited a
# few bytes at a time, a topic branch merged back, annotated + lightweight tags and a
# commit with the empty tree on refs/heads/empty.
#   -v NC=<commits on main> SEED=<1..2^31-2> SPECIAL=0|1 BINS=<n> HEXLEN=40|64 DATE0=<epoch>
# --------------------------------------------------------------------------------------
read -r -d '' AWK_HISTORY <<'AWK' || true
function rnd(n) { S = (S * 48271) % 2147483647; return S % n }
function rbyte() { BS = (BS * 48271) % 2147483647; return int(BS / 8388608) }
function word() { return W[1 + rnd(NW)] }
function mkline(   n, s, j) {
  n = 2 + rnd(9); s = word()
  for (j = 1; j < n; j++) s = s " " word()
  if (rnd(7) == 0) s = "    " s
  if (rnd(11) == 0) s = s " " rnd(100000)
  return s
}
function hex(n,   s, j) { s = ""; for (j = 0; j < n; j++) s = s substr("0123456789abcdef", 1 + rnd(16), 1); return s }
function data(s) { printf "data %d\n%s\n", length(s), s }
function content(f,   s, i) { s = ""; for (i = 1; i <= NL[f]; i++) s = s L[f, i] "\n"; return s }
function emit_text(f) { print "M 100644 inline " P[f]; data(content(f)) }
function edit_text(f,   op, i, k) {
  op = rnd(10)
  if (op < 6 || (op >= 8 && NL[f] <= 12)) { L[f, 1 + rnd(NL[f])] = mkline() }
  else if (op < 8) {
    k = 1 + rnd(NL[f] + 1)
    for (i = NL[f]; i >= k; i--) L[f, i + 1] = L[f, i]
    L[f, k] = mkline(); NL[f]++
  } else {
    k = 1 + rnd(NL[f])
    for (i = k; i < NL[f]; i++) L[f, i] = L[f, i + 1]
    delete L[f, NL[f]]; NL[f]--
  }
}
function new_bin(b,   p) { BN[b] = 20000 + rnd(40001); for (p = 0; p < BN[b]; p++) B[b, p] = rbyte() }
function edit_bin(b,   r, nr, o, n, p) {
  nr = 2 + rnd(3)
  for (r = 0; r < nr; r++) { n = 8 + rnd(200); o = rnd(BN[b] - n); for (p = o; p < o + n; p++) B[b, p] = rbyte() }
  if (rnd(3) == 0) {                      # insert 512 new bytes: the size changes too
    o = rnd(BN[b])
    for (p = BN[b] - 1; p >= o; p--) B[b, p + 512] = B[b, p]
    for (p = o; p < o + 512; p++) B[b, p] = rbyte()
    BN[b] += 512
  }
}
function emit_bin(b,   p, s) {
  print "M 100644 inline assets/blob" b ".bin"
  printf "data %d\n", BN[b]
  s = ""
  for (p = 0; p < BN[b]; p++) { s = s CH[B[b, p]]; if (p % 4096 == 4095) { printf "%s", s; s = "" } }
  printf "%s\n", s
}
function stamp() { T++; return (DATE0 + T * 3600) " " TZ[1 + T % 5] }
function header(ref, mark, msg,   s) {
  print "commit " ref; print "mark :" mark
  s = stamp()
  print "author A U Thor <author@example.com> " s
  print "committer C O Mitter <committer@example.com> " s
  data(msg)
}
function tag(name, mark, msg) {
  print "tag " name; print "from :" mark
  print "tagger C O Mitter <committer@example.com> " stamp(); data(msg)
}
BEGIN {
  S = SEED; BS = SEED + 7919
  NW = split("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike " \
    "november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu " \
    "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt " \
    "labore dolore magna aliqua window region cursor mapping segment inflate chain pack index " \
    "object tree blob commit tag offset fanout crc trailer header varint copy insert", W, " ")
  split("+0000 +0200 -0700 +0530 -0330", TZ, " ")
  for (i = 0; i < 256; i++) CH[i] = sprintf("%c", i)
  NF_ = split("README.txt src/main/alpha.txt src/main/beta.txt src/util/gamma.txt docs/delta.md docs/notes/epsilon.txt", P, " ")
  for (f = 1; f <= NF_; f++) { NL[f] = 20 + rnd(40); for (i = 1; i <= NL[f]; i++) L[f, i] = mkline() }
  TAG1 = int(NC / 3); LIGHT = int(NC / 2); TOPIC0 = int(NC * 2 / 5); MERGE = int(NC * 2 / 3)
  NTOPIC = 3 + int(NC / 30); UPD = int(NC / 10); if (UPD < 3) UPD = 3
  for (b = 1; b <= BINS; b++) BAT[b] = int(NC * b / (BINS + 2)) + 1

  for (c = 1; c <= NC; c++) {
    if (c == TOPIC0) {                    # a side branch forked from the previous main commit
      tl = 0
      for (j = 1; j <= NTOPIC; j++) {
        for (k = 0; k < 2; k++) TL[++tl] = "topic note " j "." k ": " mkline()
        header("refs/heads/topic", 100000 + j, "topic: note " j "\n")
        print "from :" (j == 1 ? c - 1 : 100000 + j - 1)
        ts = ""; for (k = 1; k <= tl; k++) ts = ts TL[k] "\n"
        print "M 100644 inline topic/notes.txt"; data(ts)
        print ""
      }
    }
    nch = 0; delete CHG
    if (c == 1) { for (f = 1; f <= NF_; f++) CHG[f] = 1 }
    else {
      n = 1 + rnd(2)
      for (j = 0; j < n; j++) { f = 1 + rnd(NF_); e = 1 + rnd(3); for (k = 0; k < e; k++) edit_text(f); CHG[f] = 1 }
    }
    msg = "Commit " c ": edit"
    for (f = 1; f <= NF_; f++) if (f in CHG) msg = msg " " P[f]
    msg = msg "\n"
    if (c % 5 == 0) msg = msg "\nA longer body for commit " c ".\n" mkline() "\n" mkline() "\n"
    if (c % 37 == 0) msg = msg "\nNon-ASCII: Gr\303\266\303\237e \303\244ndern \342\200\223 na\303\257ve caf\303\251\n"
    if (c == MERGE) msg = "Merge branch 'topic'\n"
    header("refs/heads/main", c, msg)
    if (c > 1) print "from :" (c - 1)
    if (c == MERGE) print "merge :" (100000 + NTOPIC)
    for (f = 1; f <= NF_; f++) if (f in CHG) emit_text(f)
    if (c == MERGE) { print "M 100644 inline topic/notes.txt"; data(ts) }
    if (SPECIAL) {
      if (c == 1) {
        print "M 100644 inline empty.txt"; data("")
        print "M 100644 inline docs/also-empty.txt"; data("")
        print "M 120000 inline link-to-readme"; data("README.txt")
        print "M 100644 inline .gitmodules"
        data("[submodule \"vendor/sub\"]\n\tpath = vendor/sub\n\turl = https://example.invalid/sub.git\n")
      }
      if (c == 1 || c == LIGHT) print "M 160000 " hex(HEXLEN) " vendor/sub"
      if (c == 1 || c % 60 == 0) { print "M 100755 inline tools/run.sh"; data("#!/bin/sh\necho \"run " c "\"\n") }
      if (c == int(NC * 7 / 10)) { print "M 120000 inline link-to-readme"; data("docs/delta.md") }
    }
    for (b = 1; b <= BINS; b++) {
      if (c == BAT[b]) { new_bin(b); emit_bin(b) }
      else if (c > BAT[b] && (c - BAT[b]) % UPD == 0) { edit_bin(b); emit_bin(b) }
    }
    print ""
    if (c == TAG1) tag("v1.0", c, "Release 1.0\n\nAnnotated tag on commit " c ".\n")
    if (c == LIGHT) { print "reset refs/tags/light"; print "from :" c; print "" }
  }
  tag("v2.0", NC, "Release 2.0\n")
  header("refs/heads/empty", 200000, "A commit whose tree is the empty tree\n")
  print ""
}
AWK

# A single file edited NC times: each commit rewrites one of its 16 "hot" lines with 32
# fresh pseudo-random hex digits, and every edit is kept. So version i is closest to
# version i-1 and farther from i-2, i-3, ... (the hot lines are kept apart by static
# lines, so every extra difference costs its own copy+insert), and repacking builds one
# long chain. Why ~10 KB and not a few hundred bytes: pack-objects only accepts a delta
# against a base at depth d if it is at most (size/2 - 20) * (4095 - d) / 4096 bytes,
# and it tries the previous object's base first; with tiny files and tiny edits the
# chains branch and stop at ~1500-3000.
read -r -d '' AWK_DEEP <<'AWK' || true
function rnd(n) { S = (S * 48271) % 2147483647; return S % n }
function hot(   s, j) { s = ""; for (j = 0; j < 32; j++) s = s substr("0123456789abcdef", 1 + rnd(16), 1); return s }
function content(   s, i, j) {
  s = ""
  for (i = 0; i < 16; i++) {
    s = s sprintf("hot line %02d, revision %06d: %s\n", i, R[i], H[i])
    for (j = 1; j <= 12; j++) s = s sprintf("static line %02d.%02d: padding that never changes at all\n", i, j)
  }
  return s
}
BEGIN {
  S = 4711
  for (i = 0; i < 16; i++) { R[i] = 0; H[i] = hot() }
  for (c = 1; c <= NC; c++) {
    R[c % 16] = c; H[c % 16] = hot(); s = content(); t = (DATE0 + c * 60) " +0000"
    print "commit refs/heads/main"; print "mark :" c
    print "author A U Thor <author@example.com> " t
    print "committer C O Mitter <committer@example.com> " t
    m = "edit " c "\n"; printf "data %d\n%s\n", length(m), m
    if (c > 1) print "from :" (c - 1)
    print "M 100644 inline deep.txt"; printf "data %d\n%s\n", length(s), s
    print ""
  }
}
AWK

# ~3 MB of fixed-width (100 byte) counter lines, each with one of seven phrases picked
# pseudo-randomly (so deflate gets ~30:1, not more, and the pack entry stays a few
# hundred KB spanning many windows); version 2 differs in four lines.
read -r -d '' AWK_BIG <<'AWK' || true
function big(v,   s, i, n, out) {
  n = 30000; printf "data %d\n", n * 100
  s = ""; S = 99991
  for (i = 1; i <= n; i++) {
    S = (S * 48271) % 2147483647; ph = PH[1 + S % 7]
    if (v == 2 && (i == 7 || i == 12345 || i == 25000 || i == 29999)) ph = "-- changed in version two; this line differs from the first version of the big blob -"
    s = s sprintf("%08d %s\n", i, substr(ph "........................................................................................................", 1, 90))
    if (i % 100 == 0) { printf "%s", s; s = "" }
  }
  printf "%s\n", s
}
function commit(mark, msg,   t) {
  t = (DATE0 + mark * 3600) " +0000"
  print "commit refs/heads/main"; print "mark :" mark
  print "author A U Thor <author@example.com> " t
  print "committer C O Mitter <committer@example.com> " t
  printf "data %d\n%s\n", length(msg), msg
  if (mark > 1) print "from :" (mark - 1)
}
BEGIN {
  split("the quick brown fox jumps over the lazy dog|pack my box with five dozen liquor jugs|" \
        "sphinx of black quartz judge my vow|how vexingly quick daft zebras jump|" \
        "the five boxing wizards jump quickly|jackdaws love my big sphinx of quartz|" \
        "waltz bad nymph for quick jigs vex", PH, "|")
  commit(1, "add big.txt and small files\n")
  print "M 100644 inline big.txt"; big(1)
  print "M 100644 inline small/a.txt"; printf "data 6\nsmall\n\n"
  print "M 100644 inline small/b.txt"; printf "data 4\nbee\n\n"
  print ""
  commit(2, "change four lines of big.txt\n")
  print "M 100644 inline big.txt"; big(2)
  print ""
  commit(3, "touch small file\n")
  print "M 100644 inline small/a.txt"; printf "data 13\nsmall, again\n\n"
  print ""
}
AWK

# ----------------------------------------------------------------------------- helpers
new_bare() { # <dir> [extra git-init args]: a bare repo without hooks/info/description
  local d=$1; shift
  git init -q --bare --template= "$@" "$d"
}

tidy() { # remove everything a reader does not need; keep config, HEAD, refs, objects
  local d=$1
  rm -rf "$d/hooks" "$d/info" "$d/logs" "$d/description" "$d/index" "$d/FETCH_HEAD" \
         "$d/ORIG_HEAD" "$d/COMMIT_EDITMSG" "$d/objects/info/packs" "$d/objects/info/commit-graph" \
         "$d/objects/info/commit-graphs"
  find "$d" -name '*.sample' -delete
}

pack_all() { # <gitdir> [-c k=v]... [repack args]: one pack, no loose objects, packed refs
  local d=$1; shift
  local c=()
  while [ "${1:-}" = -c ]; do c+=(-c "$2"); shift 2; done
  git -C "$d" "${c[@]}" repack -q -a -d -f -n "$@"
  git -C "$d" prune-packed
  git -C "$d" pack-refs --all --prune
}

archive() { # <name> <dir...>: writes $OUT/<name>.tar.gz from the given top-level dirs
  local name=$1; shift
  local d
  for d in "$@"; do tidy "$WORK/$d"; done
  tar -C "$WORK" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --format=gnu \
      -cf - "$@" | gzip -n -9 > "$WORK/$name.tar.gz.tmp"
  mv "$WORK/$name.tar.gz.tmp" "$OUT/$name.tar.gz"
}

history_stream() { # NC SEED SPECIAL BINS HEXLEN
  awk -v NC="$1" -v SEED="$2" -v SPECIAL="$3" -v BINS="$4" -v HEXLEN="$5" -v DATE0=1700000000 \
      "$AWK_HISTORY"
}

fast_import() { # <gitdir>, stream on stdin
  git -C "$1" fast-import --quiet
}

# Plumbing commits (for multipack/loose): a scratch index outside the repository.
TICK=0
at() { TICK=$((TICK + 1)); local t=$((1710000000 + TICK * 3600))
       export GIT_AUTHOR_DATE="$t +0000" GIT_COMMITTER_DATE="$t +0000"; }
lines() { # <label> <count>: deterministic text
  local i
  for ((i = 1; i <= $2; i++)); do printf '%s line %03d of %d\n' "$1" "$i" "$2"; done
}
put() { # <gitdir> <index> <path> <content> [mode]
  local blob
  blob=$(printf '%s' "$4" | git -C "$1" hash-object -w --stdin)
  GIT_INDEX_FILE=$2 git -C "$1" update-index --add --cacheinfo "${5:-100644},$blob,$3"
}
commit() { # <gitdir> <index> <message>: commits the index onto refs/heads/main
  local tree parent c
  at
  tree=$(GIT_INDEX_FILE=$2 git -C "$1" write-tree)
  if parent=$(git -C "$1" rev-parse -q --verify refs/heads/main); then
    c=$(git -C "$1" commit-tree "$tree" -p "$parent" -m "$3")
  else
    c=$(git -C "$1" commit-tree "$tree" -m "$3")
  fi
  git -C "$1" update-ref refs/heads/main "$c"
}

# ============================================================================ fixtures
make_history() {
  local d="$WORK/history.git"
  log "history"
  new_bare "$d"
  history_stream 300 12345 1 4 40 | fast_import "$d"
  # a tag of a tag (nested annotated tag), written loose, then packed with the rest
  GIT_COMMITTER_DATE="1701000000 +0000" git -C "$d" tag -a -m "Nested tag pointing at v1.0" v1.0-nested refs/tags/v1.0
  pack_all "$d" --depth=50 --window=50
  archive history history.git
}

make_idxv1() {
  local d="$WORK/idxv1.git"
  log "idxv1"
  new_bare "$d"
  history_stream 120 424242 1 2 40 | fast_import "$d"
  pack_all "$d" -c pack.indexVersion=1
  archive idxv1 idxv1.git
}

make_idx64() {
  local d="$WORK/idx64.git" pack size limit
  log "idx64"
  new_bare "$d"
  history_stream 120 777 1 2 40 | fast_import "$d"
  pack_all "$d"
  # Rewrite the index so every entry past the middle of the pack uses the 64-bit table.
  pack=$(echo "$d"/objects/pack/pack-*.pack)
  size=$(wc -c < "$pack")
  limit=$(printf '0x%x' $((size / 2)))
  chmod u+w "${pack%.pack}.idx"
  git -C "$d" index-pack --index-version="2,$limit" -o "$WORK/idx64.idx" "$pack" >/dev/null
  mv -f "$WORK/idx64.idx" "${pack%.pack}.idx"
  chmod 0444 "${pack%.pack}.idx"
  archive idx64 idx64.git
}

make_refdelta() {
  local d="$WORK/refdelta.git"
  log "refdelta"
  new_bare "$d"
  history_stream 150 31337 1 2 40 | fast_import "$d"
  pack_all "$d" -c repack.useDeltaBaseOffset=false
  archive refdelta refdelta.git
}

make_deepchain() {
  local d="$WORK/deepchain.git"
  log "deepchain"
  new_bare "$d"
  awk -v NC=4500 -v DATE0=1690000000 "$AWK_DEEP" | fast_import "$d"
  pack_all "$d" --depth=4095 --window=10
  archive deepchain deepchain.git
}

make_multipack() {
  local alt="$WORK/multipack-alt.git" d="$WORK/multipack.git"
  local ia="$WORK/alt.index" im="$WORK/mp.index" i b saved
  log "multipack"
  # The alternate: the base of the history, one pack.
  new_bare "$alt"
  put "$alt" "$ia" shared/base.txt "$(lines base 40)"
  put "$alt" "$ia" only-in-alt.txt "$(lines alt-only 12)"
  for ((i = 1; i <= 6; i++)); do
    put "$alt" "$ia" a.txt "$(lines "a-v$i" $((20 + i)))"
    commit "$alt" "$ia" "alt commit $i"
  done
  git -C "$alt" tag base
  pack_all "$alt"

  # The repository proper: borrows from the alternate (like git clone --bare --shared).
  new_bare "$d"
  printf '%s\n' ../../multipack-alt.git/objects > "$d/objects/info/alternates"
  git -C "$d" update-ref refs/heads/main "$(git -C "$alt" rev-parse refs/heads/main)"
  GIT_INDEX_FILE=$im git -C "$d" read-tree refs/heads/main
  for b in 1 2 3; do                          # three batches, each packed incrementally
    for ((i = 1; i <= 4; i++)); do
      put "$d" "$im" a.txt "$(lines "a-b$b-v$i" $((30 + 4 * b + i)))"
      put "$d" "$im" "batch$b/file$i.txt" "$(lines "batch $b file $i" $((5 + i)))"
      commit "$d" "$im" "batch $b commit $i"
    done
    if [ "$b" = 2 ]; then  # keep a loose copy of one object that also gets packed
      saved=$(git -C "$d" rev-parse "refs/heads/main:batch2/file1.txt")
      cp "$d/objects/${saved:0:2}/${saved:2}" "$WORK/dup.obj"
    fi
    git -C "$d" repack -q -d -n             # no -a: packs only the loose objects
    git -C "$d" prune-packed
  done
  mkdir -p "$d/objects/${saved:0:2}"
  cp "$WORK/dup.obj" "$d/objects/${saved:0:2}/${saved:2}"
  chmod 0444 "$d/objects/${saved:0:2}/${saved:2}"
  git -C "$d" tag packed-tip
  git -C "$d" pack-refs --all --prune
  for ((i = 1; i <= 3; i++)); do            # loose commits after the last repack
    put "$d" "$im" a.txt "$(lines "a-loose-v$i" $((50 + i)))"
    put "$d" "$im" "loose/file$i.txt" "$(lines "loose $i" 3)"
    commit "$d" "$im" "loose commit $i"
  done
  at
  git -C "$d" tag -a -m "annotated tag, loose" loose-tag refs/heads/main
  lines "unreferenced loose blob" 7 | git -C "$d" hash-object -w --stdin >/dev/null
  archive multipack multipack.git multipack-alt.git
}

make_sha256() {
  local d="$WORK/sha256.git"
  log "sha256"
  new_bare "$d" --object-format=sha256
  history_stream 30 2718 1 1 64 | fast_import "$d"
  pack_all "$d"
  archive sha256 sha256.git
}

make_bigblob() {
  local d="$WORK/bigblob.git"
  log "bigblob"
  new_bare "$d"
  awk -v DATE0=1680000000 "$AWK_BIG" | fast_import "$d"
  pack_all "$d"
  archive bigblob bigblob.git
}

make_loose() {
  local d="$WORK/loose.git" ix="$WORK/loose.index"
  log "loose"
  new_bare "$d"
  TICK=100
  put "$d" "$ix" README "$(lines readme 5)"
  put "$d" "$ix" src/main.c "$(printf 'int main(void) {\n    return 0;\n}\n')"
  put "$d" "$ix" empty ""
  commit "$d" "$ix" "first loose commit"
  put "$d" "$ix" README "$(lines readme 6)"
  put "$d" "$ix" bin/tool.sh "$(printf '#!/bin/sh\necho tool\n')" 100755
  commit "$d" "$ix" "second loose commit"
  at
  git -C "$d" tag -a -m "loose annotated tag" v0.1 refs/heads/main
  git -C "$d" tag light refs/heads/main~1
  [ -z "$(ls "$d/objects/pack")" ] || { echo "loose: unexpected pack" >&2; exit 1; }
  archive loose loose.git
}

# ============================================================================ verify
verify() { # extracts each archive into a fresh directory and checks it with git
  local name tmp dir n packs chain head
  printf '\n| fixture | archive bytes | objects | packs | loose | max chain | HEAD |\n|---|---|---|---|---|---|---|\n'
  for name in history idxv1 idx64 refdelta deepchain multipack sha256 bigblob loose; do
    tmp="$WORK/verify-$name"; mkdir -p "$tmp"
    tar -C "$tmp" -xzf "$OUT/$name.tar.gz"
    dir="$tmp/$name.git"
    git -C "$dir" fsck --full --strict --no-dangling >/dev/null \
      || { echo "fsck failed for $name" >&2; exit 1; }
    n=$(git -C "$dir" cat-file --batch-all-objects --batch-check | wc -l)
    [ "$n" -gt 0 ] || { echo "no objects in $name" >&2; exit 1; }
    packs=$(find "$dir/objects/pack" -name '*.pack' | wc -l)
    chain=0
    for p in "$dir"/objects/pack/*.pack; do
      [ -e "$p" ] || continue
      c=$(git -C "$dir" verify-pack -v "$p" | sed -n 's/^chain length = \([0-9]*\):.*/\1/p' | sort -n | tail -1)
      [ -n "$c" ] && [ "$c" -gt "$chain" ] && chain=$c
    done
    head=$(git -C "$dir" rev-parse HEAD)
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$(wc -c < "$OUT/$name.tar.gz")" "$n" "$packs" \
      "$(git -C "$dir" count-objects -v | sed -n 's/^count: //p')" "$chain" "$head"
    chmod -R u+w "$tmp"; rm -rf "$tmp"
  done
}

make_history
make_idxv1
make_idx64
make_refdelta
make_deepchain
make_multipack
make_sha256
make_bigblob
make_loose
verify
log "done: $(du -sh "$OUT" | cut -f1) in $OUT"
