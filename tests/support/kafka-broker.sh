#!/usr/bin/env bash
# A real Apache Kafka 4.x broker for tests: one KRaft node (broker + controller) on free loopback
# ports, with the four client listeners kconnect must work with.
#
#   tests/support/kafka-broker.sh fetch        fetch the jars from Maven Central once (prints their dir)
#   tests/support/kafka-broker.sh start DIR [--parent PID]
#                                              certificates, format, start; prints DIR/broker.env
#   tests/support/kafka-broker.sh stop DIR     stop the broker started in DIR (by its PID)
#
# The jars (pom.xml beside this script: kafka_2.13 and its dependencies, ~43 MB) are cached in
# ${KC_KAFKA_HOME:-~/.cache/kconnect/kafka-<version>}. `start` writes into DIR (which it creates):
#   ca.pem, ca-key.pem        a test CA (OpenSSL), which also signs the client certificates
#   broker.p12, truststore.p12  the broker's certificate (SAN IP:127.0.0.1) and trust (PKCS#12)
#   client.pem, client-key.pem  a client certificate (CN=kc-client) for the SSL listener
#   server.properties, data/, server.log, broker.pid
#   broker.env                lines NAME=VALUE: PLAINTEXT, SSL, SASL_SSL, SASL_PLAINTEXT (host:port
#                             of each listener), CONTROLLER, PID, START_SECONDS, users and paths
# Listeners: PLAINTEXT; SSL with client authentication required; SASL_SSL and SASL_PLAINTEXT with
# SCRAM-SHA-512 and PLAIN. Users (both mechanisms): alice / alice-secret, and admin / admin-secret
# (a super user). The StandardAuthorizer runs with allow.everyone.if.no.acl.found=true, so a test
# denies something by creating an ACL. With --parent PID, the broker is killed when PID ends (a
# test killed by a timeout leaves no broker behind).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/kafka_broker/pom.xml")
KAFKA_HOME=${KC_KAFKA_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/kconnect/kafka-$KAFKA_VERSION}
START_TIMEOUT=${KC_KAFKA_START_TIMEOUT:-60}

fetch() {
  if [[ ! -f $KAFKA_HOME/.complete ]]; then
    local log start=$SECONDS
    echo "==> fetching Apache Kafka $KAFKA_VERSION's jars from Maven Central into $KAFKA_HOME" >&2
    log=$(mktemp)
    rm -rf "$KAFKA_HOME"
    mkdir -p "$KAFKA_HOME"
    if ! mvn -q -B -f "$here/kafka_broker/pom.xml" dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$KAFKA_HOME/libs" >"$log" 2>&1; then
      cat "$log" >&2
      exit 1
    fi
    rm -f "$log"
    touch "$KAFKA_HOME/.complete"
    echo "==> fetched in $((SECONDS - start)) s" >&2
  fi
  echo "$KAFKA_HOME/libs"
}

# A free TCP port on 127.0.0.1, below the ephemeral range (so a port-0 bind elsewhere cannot take
# it between this check and the broker's bind) and not one of `taken`.
taken=()
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    [[ " ${taken[*]} " == *" $port "* ]] && continue
    [[ -z $(ss -Htln "sport = :$port") ]] && break
  done
  taken+=("$port")
  echo "$port"
}

make_certificates() {
  local d=$1 pass=$2
  (
    cd "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=kc-test-ca" \
      -keyout ca-key.pem -out ca.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout broker-key.pem \
      -out broker.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n' >broker.ext
    openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 \
      -extfile broker.ext -out broker.pem 2>/dev/null
    openssl pkcs12 -export -in broker.pem -inkey broker-key.pem -certfile ca.pem -name broker \
      -passout "pass:$pass" -out broker.p12
    keytool -importcert -noprompt -alias ca -file ca.pem -storetype PKCS12 \
      -keystore truststore.p12 -storepass "$pass" >/dev/null 2>&1
    openssl req -newkey rsa:2048 -nodes -subj "/CN=kc-client" -keyout client-key.pem \
      -out client.csr 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 \
      -extfile client.ext -out client.pem 2>/dev/null
    rm -f ./*.csr ./*.ext ca.srl
  )
}

write_config() {
  local d=$1 pass=$2
  local scram='org.apache.kafka.common.security.scram.ScramLoginModule required;'
  local plain='org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="alice-secret" user_admin="admin-secret";'
  cat >"$d/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$CONTROLLER_PORT
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:$PLAINTEXT_PORT,SSL://127.0.0.1:$SSL_PORT,SASL_SSL://127.0.0.1:$SASL_SSL_PORT,SASL_PLAINTEXT://127.0.0.1:$SASL_PLAINTEXT_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PLAINTEXT_PORT,SSL://127.0.0.1:$SSL_PORT,SASL_SSL://127.0.0.1:$SASL_SSL_PORT,SASL_PLAINTEXT://127.0.0.1:$SASL_PLAINTEXT_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$d/data
num.partitions=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
# Test speed: a member removed by a test goes away in seconds, not 45 s.
group.consumer.min.session.timeout.ms=1000
group.classic.min.session.timeout.ms=1000
log.flush.interval.messages=9223372036854775807
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=true
super.users=User:ANONYMOUS;User:admin
ssl.keystore.type=PKCS12
ssl.keystore.location=$d/broker.p12
ssl.keystore.password=$pass
ssl.key.password=$pass
ssl.truststore.type=PKCS12
ssl.truststore.location=$d/truststore.p12
ssl.truststore.password=$pass
listener.name.ssl.ssl.client.auth=required
listener.name.sasl_ssl.ssl.client.auth=none
listener.name.sasl_ssl.sasl.enabled.mechanisms=SCRAM-SHA-512,PLAIN
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=$scram
listener.name.sasl_ssl.plain.sasl.jaas.config=$plain
listener.name.sasl_plaintext.sasl.enabled.mechanisms=SCRAM-SHA-512,PLAIN
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=$scram
listener.name.sasl_plaintext.plain.sasl.jaas.config=$plain
EOF
  cat >"$d/log4j2.properties" <<EOF
appender.file.type=File
appender.file.name=file
appender.file.fileName=$d/server.log
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=[%d] %p %m (%c)%n
rootLogger.level=WARN
rootLogger.appenderRef.file.ref=file
logger.server.name=kafka.server.KafkaRaftServer
logger.server.level=INFO
logger.authenticator.name=org.apache.kafka.common.network.Selector
logger.authenticator.level=INFO
EOF
}

start() {
  local d=$1 parent=${2:-}
  local libs t0=$SECONDS
  libs=$(fetch)
  mkdir -p "$d"
  d=$(cd "$d" && pwd)
  local pass=kc-test-store
  make_certificates "$d" "$pass"
  local java=(java -Xmx512m -Xms64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto
    -Dlog4j2.configurationFile="$d/log4j2.properties" -cp "$libs/*")
  local attempt
  for attempt in 1 2 3; do  # a port taken between the check and the bind: new ports
    taken=()
    PLAINTEXT_PORT=$(free_port) SSL_PORT=$(free_port) SASL_SSL_PORT=$(free_port)
    SASL_PLAINTEXT_PORT=$(free_port) CONTROLLER_PORT=$(free_port)
    write_config "$d" "$pass"
    rm -rf "$d/data" "$d/server.log"
    local cluster_id  # a Kafka Uuid: 16 random bytes, URL-safe base64 without padding
    cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
    "${java[@]}" kafka.tools.StorageTool format --standalone -t "$cluster_id" \
      -c "$d/server.properties" \
      --add-scram 'SCRAM-SHA-512=[name=alice,password=alice-secret]' \
      --add-scram 'SCRAM-SHA-512=[name=admin,password=admin-secret]' >"$d/format.log" 2>&1 ||
      { cat "$d/format.log" >&2; exit 1; }
    setsid "${java[@]}" kafka.Kafka "$d/server.properties" >"$d/stdout.log" 2>&1 </dev/null &
    local pid=$!
    echo "$pid" >"$d/broker.pid"
    local deadline=$((SECONDS + START_TIMEOUT)) up=""
    while ((SECONDS < deadline)) && kill -0 "$pid" 2>/dev/null; do
      if grep -q "Kafka Server started" "$d/server.log" 2>/dev/null; then up=1; break; fi
      sleep 0.1
    done
    if [[ -n $up ]]; then
      if [[ -n $parent ]]; then  # the broker ends with the test that started it
        setsid bash -c "while kill -0 $parent 2>/dev/null && kill -0 $pid 2>/dev/null; do sleep 1; done
          kill -9 $pid 2>/dev/null" >/dev/null 2>&1 </dev/null &
      fi
      cat >"$d/broker.env" <<EOF
PLAINTEXT=127.0.0.1:$PLAINTEXT_PORT
SSL=127.0.0.1:$SSL_PORT
SASL_SSL=127.0.0.1:$SASL_SSL_PORT
SASL_PLAINTEXT=127.0.0.1:$SASL_PLAINTEXT_PORT
CONTROLLER=127.0.0.1:$CONTROLLER_PORT
PID=$pid
START_SECONDS=$((SECONDS - t0))
KAFKA_VERSION=$KAFKA_VERSION
CA=$d/ca.pem
CLIENT_CERT=$d/client.pem
CLIENT_KEY=$d/client-key.pem
USER=alice
PASSWORD=alice-secret
ADMIN_USER=admin
ADMIN_PASSWORD=admin-secret
LOG=$d/server.log
EOF
      cat "$d/broker.env"
      return 0
    fi
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    if ! grep -q "Address already in use" "$d/server.log" "$d/stdout.log" 2>/dev/null; then
      echo "the broker did not start within ${START_TIMEOUT}s (attempt $attempt):" >&2
      tail -n 40 "$d/server.log" "$d/stdout.log" >&2 || true
      exit 1
    fi
  done
  echo "the broker found no free ports in 3 attempts" >&2
  exit 1
}

stop() {
  local d=$1 pid
  [[ -f $d/broker.pid ]] || return 0
  pid=$(cat "$d/broker.pid")
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$d/broker.pid"
}

case "${1:-}" in
  fetch) fetch ;;
  start) [[ -n ${2:-} ]] || { sed -n '2,9p' "$0"; exit 2; }
    parent=""
    [[ ${3:-} == --parent ]] && parent=${4:?--parent needs a PID}
    start "$2" "$parent" ;;
  stop) stop "${2:?usage: stop DIR}" ;;
  *) sed -n '2,9p' "$0"; exit 2 ;;
esac
