#!/usr/bin/env bash
# Package test: builds the deb and the rpm with CPack, lints and inspects both, installs
# the deb on this machine, checks what it put there (users, directories, conffile, units,
# man pages, completion), reinstalls over a changed conffile, then removes and purges it
# and checks that nothing is left. Needs root (dpkg); CI runs it as root.
#
# usage: package_test.sh BUILD_DIR VERSION "DAEMONS" (DAEMONS: the packaged daemons, ;-separated)
set -euo pipefail

build_dir=$(cd "$1" && pwd)
version=$2
IFS=';' read -r -a daemons <<<"${3:-}"
arch=$(dpkg --print-architecture)
rpm_arch=$(uname -m)

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
pass() { echo "ok: $*"; }
die() {
  echo "FAIL: $*" >&2
  exit 1
}

[[ $(id -u) -eq 0 ]] || die "the package test installs a package: run it as root"
for tool in cpack dpkg dpkg-deb lintian rpm systemd-analyze; do
  command -v "$tool" >/dev/null || die "$tool is missing: run packaging/install-deps.sh"
done
if dpkg-query -W -f='${Status}' tollgate 2>/dev/null | grep -q "installed"; then
  die "a tollgate package is already installed here; this test will not touch it"
fi

work=$(mktemp -d /tmp/tollgate-package-test.XXXXXX)
installed=0
cleanup() {
  if ((installed)); then dpkg --purge tollgate >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# --- Build both packages (cpack packs what is built; it builds nothing itself). ---
echo "== cpack"
targets=(tollgatectl tollgate_packaging_files)
for daemon in "${daemons[@]}"; do
  [[ -n $daemon ]] && targets+=("$daemon")
done
cmake --build "$build_dir" --target "${targets[@]}" >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; die "building ${targets[*]} failed"; }
cpack --config "$build_dir/CPackConfig.cmake" -B "$work" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log" >&2; die "cpack failed"; }
deb="$work/tollgate_${version}_${arch}.deb"
rpm_file="$work/tollgate-${version}.${rpm_arch}.rpm"
[[ -f $deb ]] || die "no $deb (cpack wrote: $(ls "$work"))"
[[ -f $rpm_file ]] || die "no $rpm_file (cpack wrote: $(ls "$work"))"
pass "built $(basename "$deb") and $(basename "$rpm_file")"

# Files both packages must hold (paths as installed).
expected=(
  /usr/bin/tollgatectl
  /etc/tollgate/tollgate.toml
  /usr/lib/systemd/system/tollgate-agent.service
  /usr/lib/systemd/system/tollgate-switch.service
  /usr/lib/sysusers.d/tollgate.conf
  /usr/lib/tmpfiles.d/tollgate.conf
  /usr/share/bash-completion/completions/tollgatectl
  /usr/share/man/man1/tollgatectl.1.gz
  /usr/share/man/man5/tollgate.toml.5.gz
  /usr/share/man/man8/tollgate-agent.8.gz
  /usr/share/man/man8/tollgate-switch.8.gz
  /usr/share/doc/tollgate/copyright
  /usr/share/doc/tollgate/changelog.Debian.gz
  /usr/share/doc/tollgate/operator-guide.md.gz
  /usr/share/lintian/overrides/tollgate
)
for daemon in "${daemons[@]}"; do
  [[ -n $daemon ]] && expected+=("/usr/sbin/$daemon")
done

# --- The deb: control fields, contents, lintian. ---
echo "== deb"
field() { dpkg-deb -f "$deb" "$1"; }
[[ $(field Version) == "${version}-"* ]] && pass "deb version $(field Version)" ||
  fail "deb version is '$(field Version)', want ${version}-REVISION"
depends=$(field Depends)
echo "   Depends: $depends"
grep -q 'libc6 (>=' <<<"$depends" && pass "deb Depends computed by dpkg-shlibdeps" ||
  fail "deb Depends has no versioned libc6: shared-library dependencies were not computed"
dpkg-deb --fsys-tarfile "$deb" | tar -t | sed 's|^\./|/|; s|/$||' >"$work/deb.list"
for path in "${expected[@]}"; do
  grep -qxF "$path" "$work/deb.list" || fail "deb lacks $path"
done
unexpected=$(grep -vE '^/?$|^/(etc|usr|usr/bin|usr/sbin|usr/lib|usr/share|usr/share/doc|usr/share/man)$|^/etc/tollgate$|^/usr/lib/(systemd|systemd/system|sysusers\.d|tmpfiles\.d)$|^/usr/share/(bash-completion|bash-completion/completions|man/man[158]|doc/tollgate|lintian|lintian/overrides)$' \
  "$work/deb.list" | grep -vxF -f <(printf '%s\n' "${expected[@]}") || true)
[[ -z $unexpected ]] && pass "deb holds exactly the expected files" || fail "deb holds unexpected files: $unexpected"
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles | grep -qx /etc/tollgate/tollgate.toml &&
  pass "tollgate.toml is a conffile" || fail "tollgate.toml is not listed in conffiles"
for daemon in "${daemons[@]}"; do
  [[ -z $daemon ]] && continue
  dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/sbin/$daemon" >"$work/$daemon"
  file_info=$(readelf -S "$work/$daemon" | grep -c '\.debug_' || true)
  ((file_info == 0)) && pass "$daemon is stripped" || fail "$daemon carries debug sections"
done

echo "== lintian"
set +e
lintian --no-tag-display-limit --suppress-tags-from-file /dev/null "$deb" >"$work/lintian.log" 2>&1
lintian_status=$?
set -e
grep -E '^[EW]: ' "$work/lintian.log" | sed 's/^/   /' || true
errors=$(grep -c '^E: ' "$work/lintian.log" || true)
warnings=$(grep -c '^W: ' "$work/lintian.log" || true)
if ((errors == 0 && lintian_status == 0)); then
  pass "lintian: no errors, $warnings warning(s)"
else
  cat "$work/lintian.log" >&2
  fail "lintian: $errors error(s) (exit status $lintian_status)"
fi

# --- The rpm: files, config, dependencies, changelog. ---
echo "== rpm"
rpmq() { rpm -qp --nosignature "$@" "$rpm_file" 2>/dev/null; }
[[ $(rpmq --qf '%{VERSION}') == "$version" ]] && pass "rpm version $(rpmq --qf '%{VERSION}-%{RELEASE}')" ||
  fail "rpm version is '$(rpmq --qf '%{VERSION}')', want $version"
rpmq -l >"$work/rpm.list"
for path in "${expected[@]}"; do
  grep -qxF "$path" "$work/rpm.list" || fail "rpm lacks $path"
done
owned_dirs=$(grep -xE '/(etc|usr|usr/bin|usr/sbin|usr/lib|usr/lib/systemd|usr/lib/systemd/system|usr/lib/sysusers.d|usr/lib/tmpfiles.d|usr/share|usr/share/man|usr/share/man/man[0-9]|usr/share/bash-completion|usr/share/bash-completion/completions|usr/share/lintian|usr/share/lintian/overrides)' "$work/rpm.list" || true)
[[ -z $owned_dirs ]] && pass "rpm owns no system directory" || fail "rpm owns system directories: $owned_dirs"
rpmq --configfiles | grep -qx /etc/tollgate/tollgate.toml && pass "tollgate.toml is %config" ||
  fail "tollgate.toml is not %config in the rpm"
rpmq --qf '[%{FILEFLAGS:fflags} %{FILEGROUPNAME} %{FILEMODES:perms} %{FILENAMES}\n]' |
  grep -E ' /etc/tollgate/tollgate.toml$' | grep -qE '^cn tollgate -rw-r----- ' &&
  pass "tollgate.toml is %config(noreplace), group tollgate, 0640" ||
  fail "tollgate.toml attributes: $(rpmq --qf '[%{FILEFLAGS:fflags} %{FILEGROUPNAME} %{FILEMODES:perms} %{FILENAMES}\n]' | grep tollgate.toml)"
rpmq -R | sort -u >"$work/rpm.requires"
sed 's/^/   requires: /' "$work/rpm.requires"
for need in 'libc.so.6()(64bit)' 'libstdc++.so.6()(64bit)' '/bin/sh'; do
  grep -qF "$need" "$work/rpm.requires" || fail "rpm does not require $need (autoreq)"
done
rpmq --changelog | grep -q -- "- ${version}-" && pass "rpm %changelog names ${version}" ||
  fail "rpm %changelog has no entry for ${version}"
for tag in PREIN POSTIN PREUN POSTUN; do
  rpmq --qf "%{$tag}" >"$work/rpm.$tag"
  if [[ ! -s $work/rpm.$tag || $(cat "$work/rpm.$tag") == "(none)" ]]; then
    fail "rpm has no $tag scriptlet"
  elif ! sh -n "$work/rpm.$tag"; then
    fail "rpm $tag scriptlet is not valid sh"
  fi
done
grep -q '^u *tollgate ' "$work/rpm.PREIN" && pass "rpm scriptlets parse; %pre carries the sysusers entries" ||
  fail "rpm %pre does not create the users from sysusers.d/tollgate.conf"

# --- Install the deb on this machine. ---
echo "== install"
installed=1
if ! dpkg -i "$deb" >"$work/dpkg.log" 2>&1; then
  apt-get -f install -y -qq >>"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; die "dpkg -i failed"; }
fi
dpkg-query -W -f='${Status}' tollgate | grep -q "install ok installed" || die "tollgate is not installed"
pass "dpkg -i"

out=$(tollgatectl --version)
[[ $out == "tollgatectl $version" ]] && pass "tollgatectl --version: $out" || fail "tollgatectl --version printed '$out'"
for daemon in "${daemons[@]}"; do
  [[ -z $daemon ]] && continue
  [[ -x /usr/sbin/$daemon ]] && pass "/usr/sbin/$daemon installed" || fail "/usr/sbin/$daemon missing"
done

getent passwd tollgate >/dev/null && pass "user tollgate" || fail "no user tollgate"
getent group tollgate-admin >/dev/null && pass "group tollgate-admin" || fail "no group tollgate-admin"
[[ $(getent passwd tollgate | cut -d: -f7) == */nologin ]] || fail "user tollgate has a login shell"
for dir in /var/lib/tollgate /run/tollgate; do
  got=$(stat -c '%U:%G %a' "$dir" 2>/dev/null || echo missing)
  [[ $got == "root:tollgate 770" ]] && pass "$dir $got" || fail "$dir is '$got', want root:tollgate 770"
done
got=$(stat -c '%U:%G %a' /etc/tollgate/tollgate.toml)
[[ $got == "root:tollgate 640" ]] && pass "tollgate.toml $got" || fail "tollgate.toml is '$got', want root:tollgate 640"
# Administrators (group tollgate-admin, not tollgate) reach a root-owned 0660 socket in
# /run/tollgate through the tmpfiles ACL; other users do not.
admin_gid=$(getent group tollgate-admin | cut -d: -f3)
if python3 - "$admin_gid" <<'PY'; then pass "a tollgate-admin member may connect to sockets in /run/tollgate, others may not"; else fail "socket access for tollgate-admin"; fi
import os, socket, subprocess, sys
path = "/run/tollgate/package-test.sock"
server = socket.socket(socket.AF_UNIX)
server.bind(path)
os.chmod(path, 0o660)
server.listen(4)
probe = ["python3", "-c", "import socket; socket.socket(socket.AF_UNIX).connect('%s')" % path]
def as_nobody(groups):
    return subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--groups=" + groups, "--"] + probe,
                          stderr=subprocess.DEVNULL).returncode
admin, other = as_nobody(sys.argv[1]), as_nobody("65534")
os.unlink(path)
sys.exit(0 if admin == 0 and other != 0 else 1)
PY
ls /etc/systemd/system/*.wants/tollgate-* >/dev/null 2>&1 && fail "the install enabled a service" ||
  pass "nothing enabled"

for page in tollgatectl tollgate.toml tollgate-agent tollgate-switch; do
  man -w "$page" >/dev/null 2>&1 || fail "man page $page not found"
  warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings "$page" 2>&1 >/dev/null || true)
  [[ -z $warnings ]] || fail "man $page: $warnings"
done
pass "man pages"

# Completion: the verbs of tollgatectl and a parameter name.
complete_words() {
  (
    # shellcheck disable=SC1091
    source /usr/share/bash-completion/completions/tollgatectl
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    _tollgatectl
    echo "${COMPREPLY[*]}"
  )
}
[[ $(complete_words tollgatectl bl) == blacklist ]] || fail "completion of 'bl'"
[[ $(complete_words tollgatectl "") == "status check blacklist whitelist suspend param cdr audit registrations trace reload simulate" ]] ||
  fail "completion of verbs: $(complete_words tollgatectl "")"
[[ $(complete_words tollgatectl param set SS_ENDPOINTREGISTERSUSP) == SS_ENDPOINTREGISTERSUSPEND* ]] ||
  fail "completion of parameter names"
pass "bash completion"

# Units: verify clean except for daemons this build does not have yet.
echo "== units"
for unit in tollgate-agent tollgate-switch; do
  path=/usr/lib/systemd/system/$unit.service
  verify=$(systemd-analyze verify "$path" 2>&1 || true)
  if [[ ! " ${daemons[*]} " == *" $unit "* ]]; then
    verify=$(grep -vF "Command /usr/sbin/$unit is not executable" <<<"$verify" || true)
    echo "   ($unit is not built: its missing binary is not counted)"
  fi
  [[ -z $verify ]] && pass "systemd-analyze verify $unit.service" || fail "systemd-analyze verify $unit.service: $verify"
  exposure=$(systemd-analyze security --offline=true "$path" 2>/dev/null |
    sed -n 's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p')
  limit=4.0
  [[ $unit == tollgate-switch ]] && limit=2.0
  if [[ -n $exposure ]] && awk -v e="$exposure" -v l="$limit" 'BEGIN { exit !(e <= l) }'; then
    pass "$unit.service exposure $exposure (limit $limit)"
  else
    fail "$unit.service exposure '${exposure}' above $limit"
  fi
done

# --- Upgrade over a changed conffile: the administrator's file stays. ---
echo "== reinstall"
echo "# changed by the administrator" >>/etc/tollgate/tollgate.toml
dpkg -i --force-confdef --force-confold "$deb" >"$work/dpkg2.log" 2>&1 || { cat "$work/dpkg2.log" >&2; die "reinstall failed"; }
tail -n 1 /etc/tollgate/tollgate.toml | grep -qx "# changed by the administrator" &&
  pass "a changed tollgate.toml survives an upgrade" || fail "the upgrade replaced the changed tollgate.toml"
[[ $(stat -c '%U:%G %a' /etc/tollgate/tollgate.toml) == "root:tollgate 640" ]] || fail "upgrade changed tollgate.toml's mode"
[[ ! -e /etc/tollgate/tollgate.toml.dpkg-new ]] || fail "the upgrade left tollgate.toml.dpkg-new"

# --- Remove, then purge. ---
echo "== remove"
echo "state" >/var/lib/tollgate/marker
dpkg -r tollgate >"$work/dpkg3.log" 2>&1 || { cat "$work/dpkg3.log" >&2; die "dpkg -r failed"; }
[[ ! -e /usr/bin/tollgatectl ]] && pass "remove: binaries gone" || fail "remove left /usr/bin/tollgatectl"
[[ -f /etc/tollgate/tollgate.toml && -f /var/lib/tollgate/marker ]] && pass "remove: configuration and state kept" ||
  fail "remove deleted the configuration or the state"

echo "== purge"
dpkg -P tollgate >"$work/dpkg4.log" 2>&1 || { cat "$work/dpkg4.log" >&2; die "dpkg -P failed"; }
installed=0
dpkg-query -W -f='${Status}' tollgate 2>/dev/null | grep -q "installed" && fail "tollgate still known to dpkg"
left=()
while read -r path; do
  [[ -z $path || -d $path ]] && continue
  [[ -e $path ]] && left+=("$path")
done <"$work/deb.list"
for path in /etc/tollgate /var/lib/tollgate /run/tollgate; do
  [[ -e $path ]] && left+=("$path")
done
ls /etc/systemd/system/*.wants/tollgate-* >/dev/null 2>&1 && left+=(/etc/systemd/system/*.wants/tollgate-*)
dpkg-statoverride --list /etc/tollgate/tollgate.toml >/dev/null 2>&1 && left+=("statoverride of tollgate.toml")
((${#left[@]} == 0)) && pass "purge: nothing left (users tollgate and tollgate-admin are kept by policy)" ||
  fail "purge left: ${left[*]}"

if ((failures > 0)); then
  echo "package test: $failures failure(s)" >&2
  exit 1
fi
echo "package test: all checks passed"
