#!/bin/sh
# Prints the Debian packages that own the shared libraries the given binaries load (ldd), one
# per line, for the runtime stage of docker/*.Dockerfile. Paths are tried as ldd prints them and
# as resolved (usr-merged systems register /usr/lib/...).
set -eu
for binary in "$@"; do
  ldd "$binary" | awk '/=> \// { print $3 }'
done | sort -u | while read -r lib; do
  dpkg -S "$lib" 2>/dev/null || dpkg -S "$(readlink -f "$lib")" 2>/dev/null \
    || dpkg -S "/usr$lib" 2>/dev/null || { echo "no package owns $lib" >&2; exit 1; }
done | cut -d: -f1 | sort -u
