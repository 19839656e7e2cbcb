#!/bin/sh
# Every scenario script against every model, one run at a time (the models share the machine,
# so running them side by side would measure the competition, not the model). The k6 service of
# docker-compose.yml runs this; it works anywhere k6 is installed:
#
#   LAB_TARGETS='async=http://127.0.0.1:3001 threads=http://127.0.0.1:3002' sh load-tests/k6/run-all.sh
#
# LAB_TARGETS  space-separated model=url pairs (required)
# DURATION     per stream (default 30s); SUMMARY_DIR for the JSON summaries (default .)
# TESTID       tags every metric of this batch (default: the UTC start time), the dashboard's "Run"
# K6_OUT       k6 output (default experimental-prometheus-rw when K6_PROMETHEUS_RW_SERVER_URL is set)
#
# Tags: k6's `--tag` replaces the script's `options.tags` as a whole (run tags: script < K6_TAGS <
# --tag), and only run tags reach k6_vus and k6_dropped_iterations_total — so `model` and
# `lab_scenario` go on the command line next to `testid` (load-tests/k6/lib/plan.ts explains).
# Each script's name is its scenario id (load-tests/test/scenario-scripts.test.ts holds that, and
# that this runs them in the catalog's order).
set -u
here=$(cd "$(dirname "$0")" && pwd)
testid=${TESTID:-$(date -u +%Y%m%dT%H%M%SZ)}
out=${K6_OUT:-}
if [ -z "$out" ] && [ -n "${K6_PROMETHEUS_RW_SERVER_URL:-}" ]; then out=experimental-prometheus-rw; fi
status=0
# The scenario ids in scenarios.json's order, not the scripts' name order: `io` runs first so
# its memory figures are taken on freshly started services. (tr + sed: the k6 image has no JSON
# tool; only scenarios carry an "id" key, and splitting at `{` and `,` puts each on a line of its
# own however the file is formatted.) No ids is a broken catalog, not an empty batch.
catalog="$here/../scenarios.json"
scenarios=$(tr '{,' '\n\n' < "$catalog" | sed -n 's/^[[:space:]]*"id":[[:space:]]*"\([^"]*\)".*/\1/p')
if [ -z "$scenarios" ]; then
  echo "run-all.sh: no scenario ids in $catalog" >&2
  exit 2
fi

for target in ${LAB_TARGETS:?set LAB_TARGETS to model=url pairs}; do
  model=${target%%=*}
  url=${target#*=}
  for scenario in $scenarios; do
    script="$here/$scenario.ts"
    echo "== $scenario on $model ($url), run $testid"
    k6 run --quiet ${out:+--out "$out"} \
      --tag testid="$testid" --tag model="$model" --tag lab_scenario="$scenario" \
      -e BASE_URL="$url" -e MODEL="$model" -e DURATION="${DURATION:-30s}" -e SUMMARY_DIR="${SUMMARY_DIR:-.}" \
      "$script"
    code=$?
    # 99 = a threshold failed: a finding about the model, not a broken run — keep going.
    if [ "$code" -ne 0 ] && [ "$code" -ne 99 ]; then status=$code; fi
  done
done
exit "$status"
