#!/usr/bin/env bash
# pg.sh runs a throwaway PostgreSQL server for the store's tests: a fresh
# cluster in a temporary directory, on 127.0.0.1 and a free port, with fsync
# on, trusting local connections. It installs PostgreSQL with apt-get when
# initdb and pg_ctl are missing.
#
#   eval "$(scripts/pg.sh start)"   # exports COMPACT_TEST_POSTGRES and COMPACT_TEST_POSTGRES_DIR
#   scripts/pg.sh stop [dir]        # stops the server and deletes its directory
#   scripts/pg.sh restart [dir]     # restarts the server (fast shutdown), keeping its data
#   scripts/pg.sh run CMD...        # runs CMD with the server up, then stops it
#   source scripts/pg.sh            # starts it, exports, and stops it when the shell exits
#
# Progress goes to stderr; start prints only the export lines on stdout.

pg_log() { echo "pg.sh: $*" >&2; }

# pg_bindir prints the directory of initdb and pg_ctl, installing them if
# need be.
pg_bindir() {
	if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
		# Resolve symlinks to find pg_ctl's siblings, such as pg_isready.
		dirname "$(readlink -f "$(command -v pg_ctl)")"
		return 0
	fi
	local dir
	dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	if [[ -z $dir ]]; then
		pg_log "installing PostgreSQL with apt-get"
		local sudo=()
		[[ $(id -u) == 0 ]] || sudo=(sudo)
		# The package would otherwise create and start a cluster of its own.
		"${sudo[@]}" mkdir -p /etc/postgresql-common/createcluster.d &&
			echo "create_main_cluster = false" | "${sudo[@]}" tee /etc/postgresql-common/createcluster.d/compact.conf >/dev/null &&
			"${sudo[@]}" apt-get update -qq >&2 &&
			DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq postgresql >&2 || return 1
		dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	fi
	if [[ ! -x $dir/pg_ctl ]]; then
		pg_log "no pg_ctl after installing PostgreSQL"
		return 1
	fi
	echo "$dir"
}

# pg_as runs a command as the cluster's owner: postgres refuses to run as
# root, so root hands it to the postgres user.
pg_as() {
	if [[ $(id -u) != 0 ]]; then
		"$@"
	elif command -v runuser >/dev/null; then
		runuser -u postgres -- "$@"
	else
		su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
	fi
}

# pg_port prints a port nothing listens on.
pg_port() {
	local port
	for _ in {1..50}; do
		port=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return 0
		fi
	done
	pg_log "no free port"
	return 1
}

pg_start() {
	local bin dir port
	bin=$(pg_bindir) || return 1
	if [[ $(id -u) == 0 ]] && ! id postgres >/dev/null 2>&1; then
		useradd --system --no-create-home postgres || return 1
	fi
	dir=$(mktemp -d "${TMPDIR:-/tmp}/compact-pg.XXXXXX") || return 1
	[[ $(id -u) == 0 ]] && chown postgres "$dir"
	pg_as "$bin/initdb" --pgdata="$dir/data" --username=postgres --auth=trust --encoding=UTF8 --no-instructions >"$dir/initdb.log" 2>&1 || {
		pg_log "initdb failed:"
		cat "$dir/initdb.log" >&2
		return 1
	}
	# Parallel tests each open a pool: allow more than the default 100
	# connections. A port found free can be taken before the server binds
	# it: retry.
	for _ in {1..5}; do
		port=$(pg_port) || return 1
		if pg_as "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait --timeout=60 \
			--options="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$dir' -c fsync=on -c synchronous_commit=on -c max_connections=500" \
			start >&2; then
			# pg_ctl --wait returns once the server accepts connections.
			pg_log "PostgreSQL is up on 127.0.0.1:$port in $dir"
			echo "export COMPACT_TEST_POSTGRES='postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable'"
			echo "export COMPACT_TEST_POSTGRES_DIR='$dir'"
			return 0
		fi
		tail -n 5 "$dir/server.log" >&2
	done
	pg_log "could not start the server; see $dir/server.log"
	return 1
}

# pg_stop stops the server in dir and deletes dir.
pg_stop() {
	local dir=${1:-${COMPACT_TEST_POSTGRES_DIR:-}} bin
	if [[ -z $dir || ! -d $dir/data ]]; then
		pg_log "usage: pg.sh stop DIR (a directory pg.sh start made)"
		return 2
	fi
	bin=$(pg_bindir) || return 1
	pg_as "$bin/pg_ctl" --pgdata="$dir/data" --mode=fast --wait stop >&2 || true
	rm -rf "$dir"
}

# pg_restart stops the server in dir, as a fast shutdown does (open
# connections are cut), and starts it again on the same port and data.
pg_restart() {
	local dir=${1:-${COMPACT_TEST_POSTGRES_DIR:-}} bin
	if [[ -z $dir || ! -d $dir/data ]]; then
		pg_log "usage: pg.sh restart DIR (a directory pg.sh start made)"
		return 2
	fi
	bin=$(pg_bindir) || return 1
	# pg_ctl restart keeps the options of the first start (postmaster.opts).
	pg_as "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --mode=fast --wait --timeout=60 restart >&2
}

if [[ ${BASH_SOURCE[0]} != "$0" ]]; then
	# Sourced: start a server for this shell's lifetime.
	if ! pg_env=$(pg_start); then
		unset pg_env
		return 1
	fi
	eval "$pg_env"
	unset pg_env
	trap 'pg_stop "$COMPACT_TEST_POSTGRES_DIR"' EXIT
	return 0
fi

set -euo pipefail
case ${1:-} in
start)
	pg_start
	;;
stop)
	pg_stop "${2:-}"
	;;
restart)
	pg_restart "${2:-}"
	;;
run)
	shift
	env=$(pg_start)
	eval "$env"
	trap 'pg_stop "$COMPACT_TEST_POSTGRES_DIR"' EXIT
	trap 'exit 130' INT TERM HUP # so that the EXIT trap runs
	"$@"
	;;
*)
	echo "usage: $0 start | stop DIR | restart DIR | run CMD..." >&2
	exit 2
	;;
esac
