#!/usr/bin/env bash
# From outside: kill -9 the desk while 20 clients open tickets (each with an Idempotency-Key and
# one retry after a failure), restart it, let the relay run, then look in the database.
set -u
cd "$(dirname "$0")/.."
D=$(mktemp -d /tmp/outside-crash-XXXX); export SLADESK_DATA_DIR=$D SLADESK_LOCALE=en LOG_LEVEL=warn
j() { node -pe 'JSON.parse(require("fs").readFileSync(0)).'"$1"; }
agent=$(npx sladesk agent add --name "Ida Incident" --admin | j id)
org=$(npx sladesk org add --name "Acme AB" --contract stratiteq --incident-manager $agent --account-owner $agent | j id)
contact=$(npx sladesk contact add --org $org --name "Kim Kund" | j id)
orgkey=$(npx sladesk key add --org $org --label crash | j key)
start() { PORT=3998 node bin/sladesk.js start > $D/server.log 2>&1 & echo $! > $D/pid; for i in $(seq 1 300); do curl -sf localhost:3998/healthz >/dev/null && return; sleep 0.1; done; echo "no healthz"; }
open() { curl -s -m 5 -H "Authorization: Bearer $orgkey" -H "X-Sladesk-Person: $contact" -H 'content-type: application/json' -H "Idempotency-Key: $1" localhost:3998/api/tickets -d "{\"category\":\"incident\",\"title\":\"$1\",\"description\":\"d\",\"priority\":\"P1\"}" -o /dev/null -w "%{http_code}"; }
ROUNDS=${ROUNDS:-3}
for round in $(seq 1 $ROUNDS); do
  start
  for c in $(seq 1 20); do ( for k in $(seq 1 5); do code=$(open "r$round-c$c-k$k"); echo "r$round-c$c-k$k $code" >> $D/answers; done ) & done
  sleep $((RANDOM % 2 + 1)).$((RANDOM % 10)); kill -9 $(cat $D/pid); wait 2>/dev/null
  pkill -9 -f "$D/ferretdb" 2>/dev/null; sleep 0.5
done
# The clients retry what did not answer 201, with the same key, against the restarted desk.
start
awk '$2 != "201" {print $1}' $D/answers | sort -u > $D/retry
# A 409 (another try holds the key) or 503 says: come back later (Retry-After); up to 6 tries, 10 s apart.
while read key; do
  codes=""; for try in $(seq 1 6); do code=$(open $key); codes="$codes $code"; [ "$code" = 201 ] && break; sleep 10; done
  echo "$key$codes" >> $D/retried
done < $D/retry
echo "answers before the kills: $(awk '{print $2}' $D/answers | sort | uniq -c | tr '\n' ' ')"
echo "retried: $(wc -l < $D/retry), first answers: $(awk '{print $2}' $D/retried | sort | uniq -c | tr '\n' ' ')final: $(awk '{print $NF}' $D/retried | sort | uniq -c | tr '\n' ' ')"
# The relay runs at start-up and every minute (changes younger than 30 s wait for the next pass);
# a notice claimed by a killed process is sent again once its 2-minute lease is over.
sleep 190
kill $(cat $D/pid); wait 2>/dev/null; sleep 1

node bin/sladesk.js db serve > $D/db.uri 2>/dev/null & dbpid=$!; for i in $(seq 1 100); do [ -s $D/db.uri ] && break; sleep 0.1; done
URI=$(head -1 $D/db.uri) node --input-type=module -e '
import { MongoClient } from "mongodb";
const c = await new MongoClient(process.env.URI).connect(); const db = c.db("sladesk");
const tickets = await db.collection("tickets").find().toArray();
const byTitle = new Map(); for (const t of tickets) byTitle.set(t.title, (byTitle.get(t.title) ?? 0) + 1);
const revisions = await db.collection("ticket_revisions").find({}, { projection: { content: 0 } }).toArray();
const plans = new Map((await db.collection("sla_timer_plans").find().toArray()).map((p) => [p._id, p]));
const opened = new Set(revisions.filter((r) => r.effects?.events?.some((e) => e.type === "opened")).map((r) => r.of));
const committedOnly = revisions.filter((r) => r.version === 0 && !tickets.some((t) => t._id === r.of)).length;
console.log(JSON.stringify({
  tickets: tickets.length,
  duplicateTitles: [...byTitle.values()].filter((n) => n > 1).length,
  withoutOpenedEvent: tickets.filter((t) => !opened.has(t._id)).length,
  withoutTimerPlan: tickets.filter((t) => !(plans.get(t._id)?.jobs?.length > 0)).length,
  committedNotStored: committedOnly,
  pendingChanges: await db.collection("pending_changes").countDocuments(),
  outbox: await db.collection("outbox").countDocuments(),
}));
await c.close();'
kill $dbpid; wait 2>/dev/null
echo "data dir: $D"
