# %post: the shared directories; nothing is enabled or started. $1: 1 install, 2 upgrade.
if command -v systemd-tmpfiles >/dev/null 2>&1; then
  systemd-tmpfiles --create /usr/lib/tmpfiles.d/tollgate.conf || :
fi
for dir in /var/lib/tollgate /run/tollgate; do
  [ -d "$dir" ] || install -d -m 0770 -o root -g tollgate "$dir"
done
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || :
  if [ "$1" -ge 2 ]; then
    systemctl try-restart tollgate-agent.service tollgate-switch.service >/dev/null 2>&1 || :
  fi
fi
exit 0
