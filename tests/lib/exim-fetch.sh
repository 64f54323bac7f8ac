#!/bin/sh
# exim-fetch.sh - Debian's Exim unpacked for the tests, not installed.
#
#	sh tests/lib/exim-fetch.sh [ROOT]	(make deps runs it)
#
# exim4-daemon-light cannot be installed beside postfix: both provide
# mail-transport-agent and conflict through it. So its package, and those
# of the libraries it needs (recursively) that are not installed here,
# are fetched with apt-get download and unpacked with dpkg-deb -x into
# ROOT (default /var/cache/smtprobe/exim/root): nothing is installed,
# no maintainer script runs, no user is added. tests/lib/exim.sh runs
# that binary in a mount namespace of its own. Run again, it does
# nothing while ROOT holds the candidate version.
set -eu

ROOT=${1:-/var/cache/smtprobe/exim/root}
PKG=exim4-daemon-light

version=$(apt-cache policy "$PKG" | sed -n 's/^ *Candidate: *//p')
case $version in
"" | "(none)")
	echo "exim-fetch: no candidate for $PKG (apt-get update?)" >&2
	exit 1
	;;
esac
if [ -x "$ROOT/usr/sbin/exim4" ] &&
    [ "$(cat "$ROOT/.version" 2>/dev/null)" = "$version" ]; then
	echo "exim-fetch: $PKG $version already in $ROOT"
	exit 0
fi

# The libraries the package depends on, and theirs, that are not installed.
libs=$(apt-cache depends "$PKG" |
    sed -n 's/^ *|\{0,1\}Depends: \(lib[^ <>]*\)$/\1/p' | sort -u)
need=
for p in $(apt-cache depends --recurse --no-recommends --no-suggests \
    --no-conflicts --no-breaks --no-replaces --no-enhances $libs |
    grep '^lib' | sort -u); do
	case $(dpkg-query -W -f '${Status}' "$p" 2>/dev/null) in
	*" installed") ;;
	*) need="$need $p" ;;
	esac
done

work=$(mktemp -d /tmp/exim-fetch.XXXXXX)
trap 'rm -rf "$work"' EXIT
# apt downloads as _apt: it needs to write there
chown _apt "$work" 2>/dev/null || true
(cd "$work" && apt-get download -q "$PKG=$version" $need)

rm -rf "$ROOT.new"
mkdir -p "$ROOT.new"
for f in "$work"/*.deb; do
	dpkg-deb -x "$f" "$ROOT.new"
done
[ -x "$ROOT.new/usr/sbin/exim4" ] || {
	echo "exim-fetch: $PKG holds no usr/sbin/exim4" >&2
	exit 1
}
echo "$version" >"$ROOT.new/.version"
rm -rf "$ROOT"
mv "$ROOT.new" "$ROOT"
echo "exim-fetch: $PKG $version${need:+ and$need} unpacked in $ROOT"
