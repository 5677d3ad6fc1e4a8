#pragma once

// A throwaway PostgreSQL cluster for tests and benchmarks: initdb into a temporary directory,
// started on a free port (127.0.0.1 and a private Unix socket directory), stopped and removed by
// the destructor. When the process runs as root, the server runs as the unprivileged `postgres`
// user (initdb refuses root). Password authentication (scram-sha-256) for user `kc`.
// The binaries come from $KC_PG_BINDIR or the newest /usr/lib/postgresql/<version>/bin.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/files.h"

namespace kc::testing {

class PostgresServer {
 public:
  // Starts a cluster; throws std::runtime_error (with initdb's or the server's log) on failure.
  PostgresServer();
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  static constexpr const char* kUser = "kc";
  static constexpr const char* kPassword = "kc-test-password";
  static constexpr const char* kDatabase = "postgres";

  int port() const { return port_; }
  // jdbc:postgresql://127.0.0.1:<port>/postgres
  std::string jdbc_url() const;
  // A libpq connection string with the user and password.
  std::string conninfo() const;

  // Runs `sql` (one or more statements); throws with PostgreSQL's message on failure. Rows of the
  // last statement as text (NULL as "<null>").
  std::vector<std::vector<std::string>> query(const std::string& sql) const;
  // The single value of a one-row, one-column query.
  std::string scalar(const std::string& sql) const;

  // Stops the server (fast shutdown) and starts it again on the same port.
  void stop();
  void start();

 private:
  std::string bin(const std::string& program) const;
  void run_as_owner(std::vector<std::string> argv, const std::string& log) const;

  TempDir dir_;
  std::string bindir_;
  std::string data_;
  int port_ = 0;
  bool running_ = false;
};

}  // namespace kc::testing
