# shellcheck shell=bash
# Sourced by `./dev test` (and usable by hand: `source scripts/test-services.sh`).
# Makes a local PostgreSQL available for the `postgres`-marked tests and exports
#   PARTNERKIT_TEST_PG_URL=postgresql+psycopg://partnerkit:partnerkit@127.0.0.1:5432/partnerkit_test
# (role `partnerkit`, password `partnerkit`, CREATEDB — tests create throwaway databases).
# Debian's cluster tools are used: start the cluster if it is down, create one if there is none.
# Never aborts the shell that sources it (even under `set -euo pipefail`): on failure it prints
# one clear line and leaves PARTNERKIT_TEST_PG_URL unset, so postgres tests skip locally (and fail
# in CI, see tests/conftest.py). Idempotent; ~50 ms when everything is already up.
# A PARTNERKIT_TEST_PG_URL already set by the caller is kept and not touched.

_pk_pg_url="postgresql+psycopg://partnerkit:partnerkit@127.0.0.1:5432/partnerkit_test"

_pk_pg_log() { echo "partnerkit test-services: $*" >&2; }

# Can the test role log in over TCP with its password? (the fast path)
_pk_pg_ready_for_tests() {
  command -v psql >/dev/null 2>&1 || return 1
  PGPASSWORD=partnerkit PGCONNECT_TIMEOUT=3 psql -X -q -h 127.0.0.1 -p 5432 -U partnerkit \
    -d partnerkit_test -Atc 'select 1' >/dev/null 2>&1
}

_pk_pg_as_postgres() {
  # Run psql as the postgres superuser over the local socket (peer auth).
  if [ "$(id -u)" -eq 0 ]; then
    su postgres -s /bin/sh -c "psql -X -q -v ON_ERROR_STOP=1 -p 5432 -At $*"
  elif [ "$(id -un)" = postgres ]; then
    sh -c "psql -X -q -v ON_ERROR_STOP=1 -p 5432 -At $*"
  else
    return 1
  fi
}

_pk_pg_start() {
  if _pk_pg_ready_for_tests; then return 0; fi
  if ! command -v pg_lsclusters >/dev/null 2>&1; then
    _pk_pg_log "PostgreSQL (Debian's postgresql package) is not installed; run scripts/system-deps.sh as root"
    return 1
  fi
  if [ "$(id -u)" -ne 0 ] && [ "$(id -un)" != postgres ]; then
    _pk_pg_log "PostgreSQL is not reachable as partnerkit@127.0.0.1:5432 and only root can set it up; run: sudo bash -c 'source scripts/test-services.sh'"
    return 1
  fi
  local ver cluster port status
  # The first cluster on port 5432, else the newest installed server version's "main".
  read -r ver cluster port status _ < <(pg_lsclusters --no-header 2>/dev/null | awk '$3 == 5432' | head -n1)
  if [ -z "${ver:-}" ]; then
    ver=$(find /usr/lib/postgresql -maxdepth 1 -mindepth 1 -printf '%f\n' 2>/dev/null | sort -n | tail -n1)
    if [ -z "$ver" ]; then _pk_pg_log "no PostgreSQL server version found under /usr/lib/postgresql"; return 1; fi
    _pk_pg_log "creating PostgreSQL $ver cluster 'main' on port 5432"
    pg_createcluster --port 5432 "$ver" main >/dev/null || { _pk_pg_log "pg_createcluster $ver main failed"; return 1; }
    cluster=main; status=down
  fi
  if [ "$status" != online ]; then
    pg_ctlcluster "$ver" "$cluster" start || {
      _pk_pg_log "pg_ctlcluster $ver $cluster start failed; see /var/log/postgresql/postgresql-$ver-$cluster.log"
      return 1
    }
  fi
  local i
  for i in $(seq 1 60); do
    pg_isready -q -h 127.0.0.1 -p 5432 && break
    sleep 0.25
  done
  pg_isready -q -h 127.0.0.1 -p 5432 || { _pk_pg_log "PostgreSQL $ver/$cluster did not become ready in 15 s"; return 1; }
  # Role and database (idempotent).
  if [ "$(_pk_pg_as_postgres "-c \"select 1 from pg_roles where rolname = 'partnerkit'\"")" != 1 ]; then
    _pk_pg_as_postgres "-c \"create role partnerkit login password 'partnerkit' createdb\"" >/dev/null ||
      { _pk_pg_log "could not create role partnerkit"; return 1; }
  else
    _pk_pg_as_postgres "-c \"alter role partnerkit login password 'partnerkit' createdb\"" >/dev/null ||
      { _pk_pg_log "could not update role partnerkit"; return 1; }
  fi
  if [ "$(_pk_pg_as_postgres "-c \"select 1 from pg_database where datname = 'partnerkit_test'\"")" != 1 ]; then
    _pk_pg_as_postgres "-c \"create database partnerkit_test owner partnerkit\"" >/dev/null ||
      { _pk_pg_log "could not create database partnerkit_test"; return 1; }
  fi
  _pk_pg_ready_for_tests || { _pk_pg_log "PostgreSQL is up but partnerkit@127.0.0.1:5432/partnerkit_test cannot log in (check pg_hba.conf allows password auth on 127.0.0.1)"; return 1; }
}

if [ -n "${PARTNERKIT_TEST_PG_URL:-}" ]; then
  : # the caller chose a database; keep it
elif _pk_pg_start; then
  export PARTNERKIT_TEST_PG_URL="$_pk_pg_url"
else
  _pk_pg_log "PARTNERKIT_TEST_PG_URL not set: postgres tests will be skipped (and fail in CI)"
fi
unset -f _pk_pg_log _pk_pg_ready_for_tests _pk_pg_as_postgres _pk_pg_start
unset _pk_pg_url
