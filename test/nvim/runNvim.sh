#!/usr/bin/env bash
# Neovim as an LSP client of the built server over stdio (see init.lua). Makes a throw-away
# workspace with a copy of the sample corpus and a draft citing a known and an unknown key, reads
# the keys and a title from `shutten sources --json`, and runs nvim headless with every XDG folder
# inside the temp dir. Prints NVIM PASS and exits 0, or NVIM FAIL … and exits non-zero.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
command -v nvim >/dev/null || { echo "NVIM FAIL nvim not installed (apt-get install neovim)"; exit 1; }
[ -f "$repo/dist/server.js" ] || { echo "NVIM FAIL dist/server.js missing: run node esbuild.mjs"; exit 1; }

mkdir -p "$repo/tmp"
tmp=$(mktemp -d "$repo/tmp/nvim-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/ws" "$tmp/xdg/config" "$tmp/xdg/data" "$tmp/xdg/state" "$tmp/xdg/cache"
cp -r "$repo/corpus" "$tmp/ws/corpus"
export SHUTTEN_CACHE_DIR="$tmp/cache"

sources_json=$(node "$repo/dist/cli.js" sources --corpus "$repo/corpus" --json)
eval "$(SOURCES="$sources_json" node -e '
  const s = JSON.parse(process.env.SOURCES);
  const known = s.find((x) => (x.key.startsWith("nikkei") || x.path.includes("002_")) && x.title) || s.find((x) => x.title);
  const q = (v) => "\x27" + String(v).replace(/\x27/g, "\x27\\\x27\x27") + "\x27";
  console.log(`export SHUTTEN_KNOWN_KEY=${q(known.key)} SHUTTEN_KNOWN_TITLE=${q(known.title)} SHUTTEN_KEYS=${q(s.map((x) => x.key).join(","))}`);
')"
export SHUTTEN_UNKNOWN_KEY="nosuch-2099-01-01"
export SHUTTEN_SERVER="$repo/dist/cli.js"  # `shutten serve --stdio`, as the README tells other editors
export SHUTTEN_NODE="${SHUTTEN_NODE:-$(command -v node)}"

cat > "$tmp/ws/draft.md" <<DRAFT
# 停戦交渉メモ

ロシアのプーチン大統領は米国の特使と会談した[@$SHUTTEN_KNOWN_KEY]。

この主張には出典がない[@$SHUTTEN_UNKNOWN_KEY]。
DRAFT

cd "$tmp/ws"
set +e
XDG_CONFIG_HOME="$tmp/xdg/config" XDG_DATA_HOME="$tmp/xdg/data" XDG_STATE_HOME="$tmp/xdg/state" \
XDG_CACHE_HOME="$tmp/xdg/cache" TMPDIR="$tmp" \
  timeout 120 nvim --headless -n -i NONE -u "$here/init.lua" draft.md 2>&1 | tee "$tmp/out.txt"
status=${PIPESTATUS[0]}
grep -q '^NVIM PASS' "$tmp/out.txt" || status=1
exit "$status"
