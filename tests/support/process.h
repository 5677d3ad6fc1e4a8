#pragma once

// Running a program as a child process in tests: arguments, environment additions, stdout and
// stderr captured to files, wait with a deadline, signals.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace kc::testing {

class Process {
 public:
  // Starts `argv[0]` (a path, or a name looked up in PATH) with `argv`; output goes to
  // `<log_prefix>.out` / `.err`; stdin reads `stdin_path` (default /dev/null).
  Process(std::vector<std::string> argv, std::string log_prefix,
          const std::string& stdin_path = "/dev/null");
  ~Process();  // kills (SIGKILL) and reaps if still running
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  void signal(int sig) const;
  // The exit status (or 128 + signal) once it ended, nullopt if still running at the deadline.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  bool running();
  std::string out() const;
  std::string err() const;
  std::string output() const { return out() + err(); }
  // Waits until stdout contains `text` at least `count` times.
  bool wait_for_output(const std::string& text, std::chrono::milliseconds timeout,
                       size_t count = 1) const;
  pid_t pid() const { return pid_; }

  // Resource usage of the ended child: CPU seconds (user + system, from wait4) and peak RSS
  // (VmHWM, sampled while wait() polls; so call wait() rather than sleeping).
  struct Usage {
    double cpu_seconds = 0;
    long max_rss_kib = 0;
  };
  const Usage& usage() const { return usage_; }

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
  Usage usage_;
  long peak_rss_kib_ = 0;
  std::string prefix_;
};

// The port a kconnect-runtime process's REST API listens on, from its log ("REST API listening
// ... port=N"); nullopt until it is logged.
std::optional<uint16_t> logged_rest_port(const Process& process);

// Resident set size of a running process, from /proc/<pid>/status (VmRSS), in KiB.
long resident_kib(pid_t pid);
// Its peak resident set size so far (VmHWM), in KiB.
long peak_resident_kib(pid_t pid);
// Its number of threads (Threads: in /proc/<pid>/status).
long thread_count(pid_t pid);

// The path of a program built in this tree (<build>/bin/<name>; $KC_BINARY_DIR overrides <build>).
std::string built_program(const std::string& name);
// The path of a file in the source tree ($KC_SOURCE_DIR overrides the tree it was built from).
std::string source_path(const std::string& relative);

}  // namespace kc::testing
