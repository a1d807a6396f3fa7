#!/bin/sh
# Container entry point: bring the database schema up to date, then run the command
# (`kechuang serve --host 0.0.0.0` by default). KC_MIGRATE_ON_START=0 skips the migrations.
set -eu
if [ "${KC_MIGRATE_ON_START:-1}" = "1" ]; then
    kechuang migrate
fi
exec "$@"
