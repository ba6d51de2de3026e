#!/bin/sh
# Creates one database per Consorcia service (each service owns its data: no service reads
# another's tables). Run by the official postgres image from /docker-entrypoint-initdb.d/ on the
# FIRST start only, i.e. when the data volume is empty; later starts skip it. The databases are
# owned by $POSTGRES_USER, so each service can run its own Alembic migrations at start-up.
#
# Override the list with CONSORCIA_DATABASES="directory matching forum notifications".
set -eu

for db in ${CONSORCIA_DATABASES:-directory matching forum notifications}; do
  echo "init-databases: ensuring database \"$db\" owned by \"$POSTGRES_USER\""
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "${POSTGRES_DB:-$POSTGRES_USER}" \
       --set=db="$db" --set=owner="$POSTGRES_USER" <<'SQL'
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'owner')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db')\gexec
SQL
done
