#!/usr/bin/env bash
# Create xinfang's topics, idempotently (--if-not-exists): run once per cluster, and again
# after changing a setting below (then use kafka-configs.sh --alter for existing topics).
#
#   KAFKA_BOOTSTRAP            broker list                      (default kafka:9092)
#   KAFKA_REPLICATION_FACTOR   3 in production, 1 on one machine (default 1)
#   KAFKA_MIN_INSYNC_REPLICAS  2 in production, 1 on one machine (default 1)
#   KAFKA_EVENTS_PARTITIONS    xinfang.events partitions         (default 12)
#   KAFKA_INTAKE_PARTITIONS    xinfang.intake partitions         (default 3)
#
# Why these numbers: deploy/README.md ("Topics").
set -euo pipefail

BOOTSTRAP="${KAFKA_BOOTSTRAP:-kafka:9092}"
RF="${KAFKA_REPLICATION_FACTOR:-1}"
MIN_ISR="${KAFKA_MIN_INSYNC_REPLICAS:-1}"
TOPICS_SH="${KAFKA_TOPICS_SH:-/opt/kafka/bin/kafka-topics.sh}"

DAY_MS=86400000

create() {
  local name="$1" partitions="$2"
  shift 2
  "$TOPICS_SH" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
    --topic "$name" --partitions "$partitions" --replication-factor "$RF" \
    --config min.insync.replicas="$MIN_ISR" "$@"
}

# Every stored event, keyed by case id (CloudEvents JSON). Consumers that fall behind more
# than the retention rebuild from the API, or ask for a replay (deploy/README.md, "Replay").
create xinfang.events "${KAFKA_EVENTS_PARTITIONS:-12}" \
  --config cleanup.policy=delete \
  --config retention.ms=$((30 * DAY_MS)) \
  --config max.message.bytes=1048576 \
  --config compression.type=producer

# New petitions from other systems; positions live in xinfang's database, not in Kafka.
create xinfang.intake "${KAFKA_INTAKE_PARTITIONS:-3}" \
  --config cleanup.policy=delete \
  --config retention.ms=$((14 * DAY_MS))

# Messages that could not be registered, with the reason; they wait for a person.
create xinfang.intake.dlq 1 \
  --config cleanup.policy=delete \
  --config retention.ms=$((365 * DAY_MS))

"$TOPICS_SH" --bootstrap-server "$BOOTSTRAP" --describe \
  --topic 'xinfang\..*' | grep -E '^Topic:' || true
