#!/usr/bin/env bash
# `npm test`: every test layer, in order, each timed, ending with "N passed, N failed".
#   build → typecheck → unit → protocol (built server over stdio) → eval (diagnostic quality on
#   the dev set and our own drafts, through the built CLI) → package (.vsix) →
#   package contents → e2e in code-server (the .vsix in a real VS Code) → Neovim over stdio.
# A failing step does not stop the others, except that steps needing its output are skipped
# (and counted as failed). Exit status is non-zero when anything failed.
#
#   bash test/run-all.sh                 # everything
#   bash test/run-all.sh unit protocol   # only the named steps (build always runs first)
#
# E2E needs NODE24 and CODE_SERVER (from .ci/setup-tools.sh); when unset they are obtained by
# running that script, which is idempotent and quick once the tools are installed.
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

only=" $* "
wanted() { [ "$only" = "  " ] || [[ "$only" == *" $1 "* ]]; }

passed=0
failed=0
summary=()
declare -A status

# step NAME [needs…] -- COMMAND…
step() {
  local name=$1
  shift
  local needs=()
  while [ "$1" != "--" ]; do needs+=("$1"); shift; done
  shift
  wanted "$name" || [ "$name" = build ] || return 0
  for n in "${needs[@]}"; do
    if [ "${status[$n]:-}" = failed ]; then
      echo "=== $name: skipped ($n failed)"
      status[$name]=failed
      failed=$((failed + 1))
      summary+=("SKIP  $name (needs $n)")
      return 0
    fi
  done
  echo
  echo "=== $name: $*"
  local t0=$SECONDS
  if "$@" </dev/null; then
    status[$name]=ok
    passed=$((passed + 1))
    summary+=("ok    $name ($((SECONDS - t0)) s)")
  else
    status[$name]=failed
    failed=$((failed + 1))
    summary+=("FAIL  $name ($((SECONDS - t0)) s)")
  fi
}

ensure_tools() {
  if [ -z "${NODE24:-}" ] || [ -z "${CODE_SERVER:-}" ]; then
    local out
    out=$(bash .ci/setup-tools.sh) || return 1
    eval "$(echo "$out" | grep -E '^(NODE24|CODE_SERVER)=' | sed 's/^/export /')"
  fi
  [ -x "${NODE24:-}" ] && [ -f "${CODE_SERVER:-}/out/node/entry.js" ]
}

e2e() {
  ensure_tools || { echo "could not obtain NODE24/CODE_SERVER from .ci/setup-tools.sh"; return 1; }
  VSIX="$repo/shutten.vsix" node test/e2e/runE2e.mjs
}

t_start=$SECONDS
step build -- node esbuild.mjs
step typecheck -- npx --no-install tsc -b
step unit build -- node test/runNodeTests.mjs test/unit
step protocol build -- node test/runNodeTests.mjs test/protocol
step eval build -- node test/eval/runEval.mjs
step package -- npm run --silent package
step package-contents package -- env VSIX="$repo/shutten.vsix" node test/runNodeTests.mjs test/package
step e2e package -- e2e
step neovim build -- bash test/nvim/runNvim.sh

echo
echo "=== summary ($((SECONDS - t_start)) s)"
printf '%s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
