#!/usr/bin/env bash
# From outside: kill -9 the embedded FerretDB while 20 clients open tickets; each client retries
# with the same Idempotency-Key on anything but 201 (honouring 503/409), up to 40 times.
set -u
cd "$(dirname "$0")/.."
D=$(mktemp -d /tmp/outside-dbkill-XXXX); export SLADESK_DATA_DIR=$D SLADESK_LOCALE=en LOG_LEVEL=warn
j() { node -pe 'JSON.parse(require("fs").readFileSync(0)).'"$1"; }
agent=$(npx sladesk agent add --name "Ida Incident" --admin | j id)
org=$(npx sladesk org add --name "Acme AB" --contract stratiteq --incident-manager $agent --account-owner $agent | j id)
contact=$(npx sladesk contact add --org $org --name "Kim Kund" | j id)
orgkey=$(npx sladesk key add --org $org --label crash | j key)
PORT=3997 node bin/sladesk.js start > $D/server.log 2>&1 & pid=$!
for i in $(seq 1 300); do curl -sf localhost:3997/healthz >/dev/null && break; sleep 0.1; done
open() { curl -s -m 10 -H "Authorization: Bearer $orgkey" -H "X-Sladesk-Person: $contact" -H 'content-type: application/json' -H "Idempotency-Key: $1" localhost:3997/api/tickets -d "{\"category\":\"incident\",\"title\":\"$1\",\"description\":\"d\"}" -o /dev/null -w "%{http_code}"; }
client() { for k in $(seq 1 5); do key="c$1-k$k"; codes=""; for try in $(seq 1 40); do code=$(open $key); codes="$codes $code"; [ "$code" = 201 ] && break; sleep 1; done; echo "$key$codes" >> $D/answers; done; }
start=$(date +%s.%N)
for c in $(seq 1 20); do client $c & done
sleep 1.5; fpid=$(pgrep -f "$D/ferretdb" | head -1); kill -9 $fpid; echo "killed FerretDB $fpid at +1.5 s"
wait $(jobs -p | grep -v "^$pid$") 2>/dev/null
echo "desk process still the same: $(kill -0 $pid 2>/dev/null && echo yes || echo no); FerretDB now $(pgrep -f "$D/ferretdb" | head -1)"
echo "keys answered 201 in the end: $(grep -c ' 201$' $D/answers) of $(wc -l < $D/answers)"
echo "answers seen: $(cut -d' ' -f2- $D/answers | tr ' ' '\n' | sort | uniq -c | tr '\n' ' ')"
kill $pid; wait $pid 2>/dev/null
node bin/sladesk.js db serve > $D/db.uri 2>/dev/null & dbpid=$!; for i in $(seq 1 100); do [ -s $D/db.uri ] && break; sleep 0.1; done
URI=$(head -1 $D/db.uri) node --input-type=module -e '
import { MongoClient } from "mongodb";
const c = await new MongoClient(process.env.URI).connect(); const db = c.db("sladesk");
const tickets = await db.collection("tickets").find().toArray();
const byTitle = new Map(); for (const t of tickets) byTitle.set(t.title, (byTitle.get(t.title) ?? 0) + 1);
console.log(JSON.stringify({ tickets: tickets.length, distinctKeys: byTitle.size, duplicates: [...byTitle.values()].filter((n) => n > 1).length, pending: await db.collection("pending_changes").countDocuments() }));
await c.close();'
kill $dbpid; wait 2>/dev/null; grep -ci "restart" $D/server.log | sed 's/^/server log lines about restarts: /'; echo "data dir: $D"
