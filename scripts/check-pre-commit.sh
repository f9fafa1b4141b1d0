#!/usr/bin/env bash
# Proves the pre-commit hooks (.pre-commit-hooks.yaml) work from a fresh clone, as a Python project would use them:
# clones this repository's HEAD (committed work only) over file://, makes a tiny git project with a ReLU stack left
# at PyTorch's default init, and runs pre-commit with an empty cache. Checks that `init-lens` reports the finding
# (exit 1), that `init-lens-fix` rewrites the file into Python that still parses, and that `init-lens` then passes.
# pre-commit installs the hook with the system node: `npm install` in the clone, `npm pack` (whose `prepack`
# builds dist/), then `npm install -g` of the tarball into its own environment.
# usage: bash scripts/check-pre-commit.sh        (skips, exit 0, when pre-commit is not installed)
set -euo pipefail
if ! command -v pre-commit >/dev/null; then
  echo "check-pre-commit: SKIPPED, pre-commit is not installed (Debian: apt-get install pre-commit)"
  exit 0
fi
# Run from `npm run …`, this inherits the outer npm's npm_* variables: pre-commit's npm must not see them.
while IFS='=' read -r name _; do
  case "$name" in npm_*) unset "$name" ;; esac
done < <(env)
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
if [ -n "$(git -C "$ROOT" status --porcelain)" ]; then
  echo "check-pre-commit: note, uncommitted changes are not tested (the clone is of HEAD)"
fi

git clone -q "file://$ROOT" "$T/hook"
REV=$(git -C "$T/hook" rev-parse HEAD)
P="$T/project"
mkdir -p "$P"
cd "$P"
git init -q
cat >model.py <<'EOF'
import torch.nn as nn


class Tower(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(256, 256)
        self.fc2 = nn.Linear(256, 256)
        self.fc3 = nn.Linear(256, 256)
        self.fc4 = nn.Linear(256, 256)
        self.head = nn.Linear(256, 10)

    def forward(self, x):
        x = self.fc1(x).relu()
        x = self.fc2(x).relu()
        x = self.fc3(x).relu()
        x = self.fc4(x).relu()
        return self.head(x)
EOF
cat >.pre-commit-config.yaml <<EOF
repos:
  - repo: file://$T/hook
    rev: $REV
    hooks: [{ id: init-lens }, { id: init-lens-fix }]
EOF
git add -A
export PRE_COMMIT_HOME="$T/cache"

fail() {
  echo "check-pre-commit: FAILED, $1"
  exit 1
}
# `run HOOK`: runs one hook on every file, keeps its output in $OUT and its exit code in $CODE.
run() {
  set +e
  OUT=$(pre-commit run "$1" --all-files 2>&1)
  CODE=$?
  set -e
  printf '%s\n' "$OUT" | sed 's/^/  | /'
}

START=$SECONDS
run init-lens
[ "$CODE" -eq 1 ] || fail "init-lens exited $CODE, expected 1 (a finding)"
grep -q 'model.py:[0-9]*:[0-9]*: warning init-relu' <<<"$OUT" || fail "init-lens did not report init-relu in model.py"
run init-lens-fix
[ "$CODE" -eq 1 ] || fail "init-lens-fix exited $CODE, expected 1 (files were modified)"
grep -q 'files were modified by this hook' <<<"$OUT" || fail "init-lens-fix did not modify model.py"
grep -q 'kaiming' model.py || fail "the fixed model.py has no kaiming init"
python3 -c 'import ast, sys; ast.parse(open(sys.argv[1]).read())' model.py || fail "the fixed model.py does not parse"
git add -A
run init-lens
[ "$CODE" -eq 0 ] || fail "init-lens exited $CODE after the fix, expected 0"
echo "check-pre-commit: OK, from a fresh clone in $((SECONDS - START)) s (pre-commit $(pre-commit --version | cut -d' ' -f2))"
