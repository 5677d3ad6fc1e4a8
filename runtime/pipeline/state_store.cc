#include "runtime/pipeline/state_store.h"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "runtime/config/config_file.h"

namespace kc::pipeline {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

Status io_error(std::string_view what, const std::string& path) {
  return make_error(Errc::kIo, "{} {}: {}", what, path, std::strerror(errno));
}

// Writes all of `data` to `fd`.
bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    auto n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

std::string default_state_path(const std::string& worker_file) {
  fs::path p(worker_file);
  p.replace_extension(".state.json");
  return p.string();
}

Result<PersistedState> load_state(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return PersistedState{};
  KC_ASSIGN_OR_RETURN(auto text, config::read_file(path));
  PersistedState out;
  try {
    auto doc = json::parse(text);
    for (const auto& [name, entry] : doc.at("connectors").items()) {
      PersistedConnector c;
      auto state = parse_target_state(entry.at("state").get<std::string>());
      if (!state)
        return make_error(Errc::kInvalidConfig, "{}: connector {}: unknown state", path, name);
      c.state = *state;
      if (entry.contains("config")) {
        api::RawConfig config;
        for (const auto& [k, v] : entry["config"].items()) config[k] = v.get<std::string>();
        c.config = std::move(config);
      }
      out[name] = std::move(c);
    }
  } catch (const json::exception& e) {
    return make_error(Errc::kInvalidConfig, "{}: not a kconnect state file: {}", path, e.what());
  }
  return out;
}

Status save_state(const std::string& path, const PersistedState& state) {
  json connectors = json::object();
  for (const auto& [name, c] : state) {
    json entry = {{"state", target_state_name(c.state)}};
    if (c.config) entry["config"] = *c.config;
    connectors[name] = std::move(entry);
  }
  // Names and configs are validated as UTF-8 before they are stored; should one slip through, its
  // ill-formed bytes are written as U+FFFD rather than failing every later save.
  auto text = json{{"version", 1}, {"connectors", std::move(connectors)}}.dump(
                  2, ' ', false, json::error_handler_t::replace) +
              "\n";

  fs::path target(path);
  auto dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  auto temp = (dir / fmt::format(".{}.tmp-{}", target.filename().string(), ::getpid())).string();
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("creating", temp);
  bool written = write_all(fd, text) && ::fsync(fd) == 0;
  int saved = errno;
  ::close(fd);
  if (!written) {
    errno = saved;
    auto err = io_error("writing", temp);
    ::unlink(temp.c_str());
    return err;
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    auto err = io_error("replacing", path);
    ::unlink(temp.c_str());
    return err;
  }
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
  return ok();
}

}  // namespace kc::pipeline
