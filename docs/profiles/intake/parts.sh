#!/bin/bash
# parts.sh PROFILE [N]: the cumulative CPU of each part of the intake path in
# a bench CPU profile, in µs per contribution (N contributions, 20,000 by
# default), as BENCHMARKS.md's per-part tables give it.
f=$1
n=${2:-20000}
top=$(go tool pprof -top -cum -nodecount=3000 "$f" 2>/dev/null)
echo "$top" | grep -o "Total samples = .*"
for part in "net/http.(*conn).serve" "api.(*Server).authenticate" "api.decodeContribution" "api.writeJSON" \
	"sqlstore.(*batcher).commitAll" "database/sql.(*Tx).Commit" "sqlstore.(*DB).submit" "sqlstore.(*DB).readBatch" \
	"sqlstore.receiptSubscribers" "sqlstore.(*DB).indexWhenQuiet" "sqlstore.(*DB).indexChunk" "runtime.gcBgMarkWorker" \
	"bench.drive.func1" "bench.(*bareIntake).commitAll" "bench.(*bareIntake).post" "encoding/json.(*Decoder).Decode"; do
	echo "$top" | awk -v part="$part" -v n="$n" '
		index($6, part) > 0 && substr($6, length($6) - length(part) + 1) == part {
			v = $4; if (v ~ /ms$/) { sub("ms", "", v); v /= 1000 } else sub("s", "", v)
			printf "%-40s %5.0f\n", part, v * 1e6 / n; found = 1; exit }
		END { if (!found) printf "%-40s %5d\n", part, 0 }'
done
