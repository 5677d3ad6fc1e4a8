#include "tests/support/process.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/files.h"
#include "tests/support/wait.h"

extern char** environ;

namespace kc::testing {

long proc_status_kib(pid_t pid, const std::string& field);

Process::Process(std::vector<std::string> argv, std::string log_prefix,
                 const std::string& stdin_path)
    : prefix_(std::move(log_prefix)) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, (prefix_ + ".out").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, (prefix_ + ".err").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, stdin_path.c_str(), O_RDONLY, 0);
  // The child must not inherit a blocked SIGTERM/SIGINT mask from the test.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  int rc = posix_spawnp(&pid_, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw std::runtime_error("posix_spawn failed for " + argv[0]);
}

Process::~Process() {
  if (running()) {
    ::kill(pid_, SIGKILL);
    wait(std::chrono::seconds(10));
  }
}

void Process::signal(int sig) const { ::kill(pid_, sig); }

bool Process::running() {
  if (status_) return false;
  int st = 0;
  rusage ru{};
  pid_t r = ::wait4(pid_, &st, WNOHANG, &ru);
  if (r == pid_) {
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    auto seconds = [](const timeval& tv) {
      return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
    };
    usage_ = {seconds(ru.ru_utime) + seconds(ru.ru_stime), peak_rss_kib_};
    return false;
  }
  return true;
}

std::optional<int> Process::wait(std::chrono::milliseconds timeout) {
  auto end = std::chrono::steady_clock::now() + timeout;
  while (true) {
    // Peak RSS of the program itself (VmHWM of its own address space). wait4's ru_maxrss is not
    // usable: it also counts the parent's memory shared until exec.
    if (!status_) peak_rss_kib_ = std::max(peak_rss_kib_, proc_status_kib(pid_, "VmHWM:"));
    if (!running()) break;
    if (std::chrono::steady_clock::now() >= end) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return status_;
}

std::string Process::out() const { return read_text(prefix_ + ".out"); }

bool Process::wait_for_output(const std::string& text, std::chrono::milliseconds timeout,
                              size_t count) const {
  return eventually(
      [&] {
        std::string out_text = out();
        size_t found = 0;
        for (size_t pos = out_text.find(text); pos != std::string::npos;
             pos = out_text.find(text, pos + 1))
          ++found;
        return found >= count;
      },
      timeout);
}
std::string Process::err() const { return read_text(prefix_ + ".err"); }

long proc_status_kib(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) return std::stol(line.substr(field.size()));
  }
  return -1;
}

long resident_kib(pid_t pid) { return proc_status_kib(pid, "VmRSS:"); }
long peak_resident_kib(pid_t pid) { return proc_status_kib(pid, "VmHWM:"); }
long thread_count(pid_t pid) { return proc_status_kib(pid, "Threads:"); }

// The build and source trees this test support was compiled for; the environment variables of
// the same names override them (to point a benchmark at another build, say).
std::string built_program(const std::string& name) {
  const char* dir = std::getenv("KC_BINARY_DIR");
  return std::string(dir ? dir : KC_BINARY_DIR) + "/bin/" + name;
}

std::optional<uint16_t> logged_rest_port(const Process& process) {
  auto err = process.err();
  auto line = err.find("REST API listening");
  if (line == std::string::npos) return std::nullopt;
  auto pos = err.find("port=", line);
  if (pos == std::string::npos) return std::nullopt;
  return static_cast<uint16_t>(std::stoi(err.substr(pos + 5)));
}

std::string source_path(const std::string& relative) {
  const char* dir = std::getenv("KC_SOURCE_DIR");
  return std::string(dir ? dir : KC_SOURCE_DIR) + "/" + relative;
}

}  // namespace kc::testing
