#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests that compare relstore with it
# (fuzz/postgres, examples/orders). Two ways to use it:
#
#   bash .ci/postgres.sh CMD [ARG...]   start a server, run CMD with
#                                       RELSTORE_PG_DSN set, stop the server;
#                                       exits with CMD's status (CI uses this)
#   source .ci/postgres.sh              start a server and export
#                                       RELSTORE_PG_DSN in this shell; it stops
#                                       when the shell exits (or run
#                                       relstore_pg_stop)
#
# The server is Debian's PostgreSQL (apt-get installs it when it is missing
# and we are root), a cluster that initdb writes into a new temporary
# directory as a non-root user (postgres, when run as root: initdb refuses
# root), listening on a Unix socket in that directory only
# (listen_addresses=''), with trust authentication, no fsync, and one
# database, relstore. It is stopped and the directory removed on exit, also
# on failure or interruption. The tests read one variable:
#
#   RELSTORE_PG_DSN   a pgx connection string: host=DIR port=5432 user=postgres dbname=relstore
#
# Without it they skip (and say to run `source .ci/postgres.sh`); with
# CI=true they fail instead.

relstore_pg_t0=$EPOCHREALTIME

relstore_pg_elapsed() { # seconds since $1 (an $EPOCHREALTIME)
	awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}

relstore_pg_bindir() {
	local d
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	if [ -n "$d" ] && [ -x "$d/initdb" ]; then
		echo "$d"
	elif command -v initdb >/dev/null 2>&1; then
		dirname "$(command -v initdb)"
	fi
}

# relstore_pg_as runs a command as the cluster's owner.
relstore_pg_as() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

relstore_pg_stop() {
	if [ -n "${relstore_pg_dir:-}" ] && [ -d "$relstore_pg_dir" ]; then
		if [ -f "$relstore_pg_dir/data/postmaster.pid" ]; then
			relstore_pg_as "$relstore_pg_bin/pg_ctl" -D "$relstore_pg_dir/data" -m immediate -w stop >/dev/null 2>&1 ||
				echo "postgres.sh: pg_ctl stop failed" >&2
		fi
		rm -rf "$relstore_pg_dir"
		echo "postgres.sh: stopped and removed $relstore_pg_dir; the PostgreSQL part took $(relstore_pg_elapsed "$relstore_pg_t0") s" >&2
	fi
	relstore_pg_dir=
	unset RELSTORE_PG_DSN
}

relstore_pg_start() {
	relstore_pg_bin=$(relstore_pg_bindir)
	if [ -z "$relstore_pg_bin" ]; then
		if [ "$(id -u)" != 0 ]; then
			echo "postgres.sh: PostgreSQL is not installed; as root: apt-get install postgresql" >&2
			return 1
		fi
		local t=$EPOCHREALTIME
		echo "postgres.sh: installing PostgreSQL (apt-get)" >&2
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >&2 &&
			apt-get install -y -qq --no-install-recommends postgresql >&2 || return 1
		relstore_pg_bin=$(relstore_pg_bindir)
		if [ -z "$relstore_pg_bin" ]; then
			echo "postgres.sh: apt-get installed no initdb" >&2
			return 1
		fi
		echo "postgres.sh: installed in $(relstore_pg_elapsed "$t") s" >&2
	fi
	relstore_pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/relstore-pg.XXXXXX") || return 1
	if [ "$(id -u)" = 0 ]; then
		chown postgres: "$relstore_pg_dir" || return 1
	fi
	local data=$relstore_pg_dir/data
	relstore_pg_as "$relstore_pg_bin/initdb" -D "$data" -U postgres --auth=trust \
		--encoding=UTF8 --locale=C.UTF-8 --no-sync >"$relstore_pg_dir/initdb.log" 2>&1 || {
		cat "$relstore_pg_dir/initdb.log" >&2
		return 1
	}
	relstore_pg_as tee -a "$data/postgresql.conf" >/dev/null <<-EOF
		listen_addresses = ''
		unix_socket_directories = '$relstore_pg_dir'
		port = 5432
		fsync = off
		synchronous_commit = off
		full_page_writes = off
		max_connections = 50
	EOF
	relstore_pg_as "$relstore_pg_bin/pg_ctl" -D "$data" -l "$relstore_pg_dir/server.log" -w -t 60 start >/dev/null || {
		cat "$relstore_pg_dir/server.log" >&2
		return 1
	}
	"$relstore_pg_bin/createdb" -h "$relstore_pg_dir" -p 5432 -U postgres relstore || return 1
	export RELSTORE_PG_DSN="host=$relstore_pg_dir port=5432 user=postgres dbname=relstore sslmode=disable"
	echo "postgres.sh: $("$relstore_pg_bin/postgres" --version) ready in $(relstore_pg_elapsed "$relstore_pg_t0") s; RELSTORE_PG_DSN=\"$RELSTORE_PG_DSN\"" >&2
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
	# Sourced: start, export, stop when the shell exits.
	if relstore_pg_start; then
		trap relstore_pg_stop EXIT
	else
		relstore_pg_stop
		return 1
	fi
else
	set -euo pipefail
	if [ $# -eq 0 ]; then
		echo "usage: bash .ci/postgres.sh CMD [ARG...]   (or: source .ci/postgres.sh)" >&2
		exit 2
	fi
	trap relstore_pg_stop EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	relstore_pg_start
	"$@"
fi
