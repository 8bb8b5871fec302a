#!/bin/sh
# Creates Temporal's two databases on PostgreSQL and brings their schemas to
# the version of this admin-tools image; safe to run again. Connection
# settings come from SQL_PLUGIN, SQL_HOST, SQL_PORT, SQL_USER, SQL_PASSWORD.
set -eu
schemas=/etc/temporal/schema/postgresql/v12
for db in temporal temporal_visibility; do
	# create-database fails when the database exists; setup-schema below
	# fails loudly if it is missing for another reason.
	temporal-sql-tool --db "$db" create-database || echo "database $db exists"
done
temporal-sql-tool --db temporal setup-schema -v 0.0
temporal-sql-tool --db temporal update-schema -d "$schemas/temporal/versioned"
temporal-sql-tool --db temporal_visibility setup-schema -v 0.0
temporal-sql-tool --db temporal_visibility update-schema -d "$schemas/visibility/versioned"
echo "temporal schemas are up to date"
