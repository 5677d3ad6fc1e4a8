#include "tests/support/postgres.h"

#include <filesystem>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/support/process.h"

namespace kc::testing {
namespace {

using namespace std::chrono_literals;

std::string find_bindir() {
  if (const char* env = std::getenv("KC_PG_BINDIR")) return env;
  std::string best;
  int best_version = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    int version = std::atoi(entry.path().filename().c_str());
    if (version > best_version && std::filesystem::exists(entry.path() / "bin" / "initdb")) {
      best_version = version;
      best = (entry.path() / "bin").string();
    }
  }
  if (best.empty()) throw std::runtime_error("no PostgreSQL server found (set KC_PG_BINDIR)");
  return best;
}

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("no free port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

struct ConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};

}  // namespace

PostgresServer::PostgresServer() : bindir_(find_bindir()), data_(dir_.file("data")) {
  std::filesystem::permissions(dir_.path(), std::filesystem::perms::all);  // the owner's temp dir
  if (::geteuid() == 0) {
    passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr) throw std::runtime_error("running as root and there is no postgres user");
    if (::chown(dir_.path().c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      throw std::runtime_error("chown " + dir_.path());
    }
  }
  auto pwfile = dir_.file("pwfile");
  write_text(pwfile, std::string(kPassword) + "\n");
  std::filesystem::permissions(pwfile, std::filesystem::perms::owner_read |
                                           std::filesystem::perms::group_read |
                                           std::filesystem::perms::others_read);
  run_as_owner({bin("initdb"), "-D", data_, "-U", kUser, "--pwfile=" + pwfile,
                "--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"},
               "initdb");
  port_ = free_port();
  start();
}

PostgresServer::~PostgresServer() {
  if (running_) {
    try {
      stop();
    } catch (const std::exception&) {  // the temp dir goes anyway
    }
  }
}

std::string PostgresServer::bin(const std::string& program) const {
  return bindir_ + "/" + program;
}

void PostgresServer::run_as_owner(std::vector<std::string> argv, const std::string& log) const {
  if (::geteuid() == 0) argv.insert(argv.begin(), {"runuser", "-u", "postgres", "--"});
  Process p(argv, dir_.file(log));
  auto status = p.wait(60s);
  if (status != 0) {
    throw std::runtime_error(fmt::format("{} failed ({}): {}\n{}", argv[0], status ? *status : -1,
                                         p.output(), read_text(dir_.file("server.log"))));
  }
}

void PostgresServer::start() {
  auto options = fmt::format(
      "-c listen_addresses=127.0.0.1 -c port={} -c unix_socket_directories={} -c fsync=off "
      "-c full_page_writes=off -c max_connections=50",
      port_, dir_.path());
  run_as_owner({bin("pg_ctl"), "-D", data_, "-l", dir_.file("server.log"), "-o", options, "-w",
                "-t", "60", "start"},
               "pg_ctl-start");
  running_ = true;
}

void PostgresServer::stop() {
  run_as_owner({bin("pg_ctl"), "-D", data_, "-m", "fast", "-w", "stop"}, "pg_ctl-stop");
  running_ = false;
}

std::string PostgresServer::jdbc_url() const {
  return fmt::format("jdbc:postgresql://127.0.0.1:{}/{}", port_, kDatabase);
}

std::string PostgresServer::conninfo() const {
  return fmt::format("host=127.0.0.1 port={} dbname={} user={} password={}", port_, kDatabase,
                     kUser, kPassword);
}

std::vector<std::vector<std::string>> PostgresServer::query(const std::string& sql) const {
  std::unique_ptr<PGconn, ConnDeleter> conn(PQconnectdb(conninfo().c_str()));
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    throw std::runtime_error(std::string("connect: ") + PQerrorMessage(conn.get()));
  }
  std::unique_ptr<PGresult, ResultDeleter> r(PQexec(conn.get(), sql.c_str()));
  auto status = PQresultStatus(r.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    throw std::runtime_error(sql + ": " + PQerrorMessage(conn.get()));
  }
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    auto& row = rows.emplace_back();
    for (int j = 0; j < PQnfields(r.get()); ++j) {
      row.push_back(PQgetisnull(r.get(), i, j) ? "<null>" : PQgetvalue(r.get(), i, j));
    }
  }
  return rows;
}

std::string PostgresServer::scalar(const std::string& sql) const {
  auto rows = query(sql);
  if (rows.size() != 1 || rows[0].size() != 1) {
    throw std::runtime_error(fmt::format("{}: {} rows, expected one value", sql, rows.size()));
  }
  return rows[0][0];
}

}  // namespace kc::testing
