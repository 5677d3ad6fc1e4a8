#pragma once

#include "runtime/api/plugin.h"

namespace kc::sink::postgres {

// PostgreSQL through libpq, standing in for Confluent's JdbcSinkConnector and Debezium's JDBC sink
// (with a jdbc:postgresql:// URL). Exactly once: each flush writes the rows and the consumed
// offsets (table offsets.table.name) in one transaction, and every assignment resumes from the
// offsets stored there. Rows PostgreSQL refuses go to the task's errors.* policy (dead-letter
// queue) with PostgreSQL's message. docs/sinks/postgres.md.
api::SinkPlugin postgres_sink_plugin();

}  // namespace kc::sink::postgres
