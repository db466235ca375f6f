#!/bin/sh
# Runs once, when the PostgreSQL volume is first initialised: the ledger's two roles (README,
# "Database roles") and its database, owned by ledger_owner. Neither role is a superuser.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v owner_password="$LEDGER_OWNER_PASSWORD" -v app_password="$LEDGER_APP_PASSWORD" <<'SQL'
CREATE ROLE ledger_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE ledger_app LOGIN PASSWORD :'app_password';
CREATE DATABASE ledger OWNER ledger_owner;
SQL
