#!/usr/bin/env bash
# Installs every Debian 12 package that building, running and testing Tollgate needs.
# Idempotent: a second run with everything present installs nothing and takes a second.
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build pkg-config git
  libmnl-dev libnftnl-dev libnetfilter-queue-dev
  libboost-dev libsqlite3-dev libspdlog-dev libfmt-dev
  libtomlplusplus-dev libcli11-dev nlohmann-json3-dev
  libssl-dev libsystemd-dev libpcap-dev
  libabsl-dev catch2 libbenchmark-dev
)
# Only for the libFuzzer build (-DTOLLGATE_FUZZ=ON); the test suite replays corpora with g++.
fuzz_packages=(
  clang libclang-rt-14-dev
)
test_packages=(
  sqlite3 nftables iptables iproute2 procps psmisc
  sip-tester sipvicious sipsak python3
  baresip-core linphone-cli  # the real softphones of tests/interop
  rpm lintian man-db systemd file
  tshark util-linux
  gnuplot-nox  # the plots of bench/report.md, whose generator the suite tests
  kamailio     # make bench: REGISTER side by side (bench/switch/register_kamailio_load.sh)
)

wanted=("${build_packages[@]}")
case "${1:-}" in
  --build-only) ;;
  --fuzz) wanted+=("${test_packages[@]}" "${fuzz_packages[@]}") ;;
  *) wanted+=("${test_packages[@]}") ;;
esac

missing=()
for pkg in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages: ${missing[*]}; run as root to install them" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
