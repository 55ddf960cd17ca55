# %postun: $1 = 0 on erase. RPM has no purge: /var/lib/tollgate (agent.db, switch.db)
# is kept, and a changed tollgate.toml is saved as tollgate.toml.rpmsave.
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || :
fi
if [ "$1" -eq 0 ]; then
  rm -rf /run/tollgate
fi
exit 0
