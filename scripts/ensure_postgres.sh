#!/usr/bin/env bash
# Make sure a PostgreSQL server listens on 127.0.0.1:5432 for the test suite,
# starting Debian's cluster if one is installed but stopped.
set -eu
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "PostgreSQL is not running on 127.0.0.1:5432 (start it, or run as root)" >&2
  exit 1
fi
version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
if [ -z "$version" ]; then
  echo "PostgreSQL is not installed" >&2
  exit 1
fi
conf=/etc/postgresql/$version/main
# Trust local connections for the throwaway test cluster only.
if ! grep -q "atlas-test" "$conf/pg_hba.conf"; then
  sed -i '1i host all all 127.0.0.1/32 trust # atlas-test\nlocal all all trust # atlas-test' "$conf/pg_hba.conf"
fi
pg_ctlcluster --skip-systemctl-redirect "$version" main start
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p 5432 && exit 0
  sleep 1
done
echo "PostgreSQL did not start" >&2
exit 1
