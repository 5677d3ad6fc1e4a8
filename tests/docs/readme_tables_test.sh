#!/usr/bin/env bash
# The README's tables stay true: every top-level folder is in the layout table, every document
# under docs/ is linked from the documentation table (decisions through docs/decisions/, sink
# pages through docs/sinks/README.md), and every relative link in README.md and docs/ names a file
# or folder that exists.
set -euo pipefail
cd "$(dirname "$0")/../.."
status=0
fail() { echo "FAIL: $*"; status=1; }

for dir in $(git ls-files | cut -d/ -f1 | sort -u); do
  [[ -d $dir ]] || continue
  grep -qF "| \`$dir/\` |" README.md || fail "README.md layout table has no row for $dir/"
done
for doc in $(git ls-files 'docs/*.md' | grep -vE '^docs/(decisions|sinks)/'); do
  grep -qF "]($doc)" README.md || fail "README.md documentation table does not link $doc"
done
# Sink pages: listed in docs/sinks/README.md, which the README links.
grep -qF "](docs/sinks/README.md)" README.md || fail "README.md does not link docs/sinks/README.md"
for doc in $(git ls-files 'docs/sinks/*.md' | grep -v '/README.md$'); do
  grep -qF "]($(basename "$doc"))" docs/sinks/README.md || fail "docs/sinks/README.md does not link $doc"
done
git ls-files 'docs/decisions/*.md' | grep -q . && { grep -qF "](docs/decisions/)" README.md || fail "README.md does not link docs/decisions/"; }

for file in README.md $(git ls-files 'docs/*.md'); do
  base=$(dirname "$file")
  # [text](target) links that are not URLs or pure anchors, outside `code spans` (a regular
  # expression such as `[a-z]([a-z]*)` is not a link).
  while IFS= read -r target; do
    path=${target%%#*}
    [[ -z $path ]] && continue
    [[ -e "$base/$path" ]] || fail "$file links $target, which does not exist"
  done < <(sed -E 's/`[^`]*`//g' "$file" | grep -oE '\]\([^)[:space:]]+\)' | sed -E 's/^\]\((.*)\)$/\1/' | grep -vE '^(https?|mailto):')
done
exit $status
