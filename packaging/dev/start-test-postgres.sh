#!/usr/bin/env bash
# Starts Debian's local PostgreSQL cluster (creating one if there is none), makes a user
# and a database for the hub's test suite, and prints the URL to put in
# XIAOWU_TEST_PG_URL, e.g.:
#   export XIAOWU_TEST_PG_URL=$(sudo packaging/dev/start-test-postgres.sh)
# Run as root on Debian with the postgresql package installed. Idempotent.
set -euo pipefail
user=${XIAOWU_PG_USER:-xiaowu_test}
password=${XIAOWU_PG_PASSWORD:-xiaowu_test}
db=${XIAOWU_PG_DB:-xiaowu_test}

if [[ $(id -u) -ne 0 ]]; then
    echo "start-test-postgres: run as root (it starts the system's PostgreSQL cluster)" >&2
    exit 1
fi
if ! command -v pg_lsclusters >/dev/null; then
    echo "start-test-postgres: PostgreSQL is not installed: apt-get install -y postgresql" >&2
    exit 1
fi
# The first cluster Debian knows of; create one if the package was installed without it.
read -r version cluster port status _ < <(pg_lsclusters --no-header | head -n 1) || true
if [[ -z "${version:-}" ]]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    pg_createcluster "$version" main >&2
    read -r version cluster port status _ < <(pg_lsclusters --no-header | head -n 1)
fi
if [[ "$status" != online* ]]; then
    pg_ctlcluster "$version" "$cluster" start >&2 || service postgresql start >&2
fi
for _ in $(seq 1 50); do
    if runuser -u postgres -- psql -p "$port" -qAtc "select 1" >/dev/null 2>&1; then
        break
    fi
    sleep 0.2
done
psql_admin() { runuser -u postgres -- psql -p "$port" -v ON_ERROR_STOP=1 -qAt "$@"; }
if [[ -z $(psql_admin -c "select 1 from pg_roles where rolname = '$user'") ]]; then
    psql_admin -c "create role $user login password '$password'" >&2
fi
if [[ -z $(psql_admin -c "select 1 from pg_database where datname = '$db'") ]]; then
    psql_admin -c "create database $db owner $user" >&2
fi
echo "postgresql://$user:$password@127.0.0.1:$port/$db"
