# %preun: on erase ($1 = 0) stop both daemons and take the kernel table down.
if [ "$1" -eq 0 ]; then
  if [ -d /run/systemd/system ]; then
    systemctl --no-reload disable --now tollgate-switch.service tollgate-agent.service >/dev/null 2>&1 || :
  fi
  if [ -x /usr/sbin/tollgate-agent ]; then
    /usr/sbin/tollgate-agent --teardown --config /etc/tollgate/tollgate.toml >/dev/null 2>&1 || :
  fi
fi
exit 0
