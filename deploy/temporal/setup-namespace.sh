#!/bin/sh
# Registers Compact's namespace and its search attributes, as `compact serve`
# does on its embedded server; safe to run again. TEMPORAL_ADDRESS,
# NAMESPACE and RETENTION come from the environment.
set -eu
: "${NAMESPACE:?}" "${RETENTION:=30d}"
tries=0
until temporal operator cluster health >/dev/null 2>&1; do
	tries=$((tries + 1))
	[ "$tries" -lt 60 ] || { echo "temporal at $TEMPORAL_ADDRESS is not healthy" >&2; exit 1; }
	sleep 2
done
temporal operator namespace describe --namespace "$NAMESPACE" >/dev/null 2>&1 ||
	temporal operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION"
for attr in CompactProcess CompactStage; do
	temporal operator search-attribute create --namespace "$NAMESPACE" --name "$attr" --type Keyword
done
echo "namespace $NAMESPACE is ready"
