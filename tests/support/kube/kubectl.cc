#include "tests/support/kube/kubectl.h"

#include <cstdlib>
#include <fstream>
#include <functional>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace kc::testing {
namespace {

pid_t spawn(const std::vector<std::string>& argv, const std::string& in, const std::string& out,
            const std::string& err) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in.empty() ? "/dev/null" : in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

int exit_code(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

bool wait_until(const std::function<bool()>& predicate, std::chrono::milliseconds timeout) {
  auto end = std::chrono::steady_clock::now() + timeout;
  while (!predicate()) {
    if (std::chrono::steady_clock::now() >= end) return predicate();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

std::string source_dir() {
  if (const char* dir = std::getenv("KC_SOURCE_DIR"); dir != nullptr && *dir != '\0') return dir;
  return KC_SOURCE_DIR_DEFAULT;
}

KubectlProcess::KubectlProcess(pid_t pid, std::string out_file, std::string err_file)
    : pid_(pid), out_file_(std::move(out_file)), err_file_(std::move(err_file)) {}

KubectlProcess::KubectlProcess(KubectlProcess&& other) noexcept
    : pid_(other.pid_),
      out_file_(std::move(other.out_file_)),
      err_file_(std::move(other.err_file_)) {
  other.pid_ = -1;
}

KubectlProcess::~KubectlProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

std::string KubectlProcess::output() const { return read_text(out_file_) + read_text(err_file_); }

bool KubectlProcess::wait_for_output(const std::string& text, std::chrono::milliseconds timeout,
                                     size_t count) const {
  return wait_until(
      [&] {
        std::string out = read_text(out_file_);
        size_t found = 0;
        for (size_t pos = out.find(text); pos != std::string::npos; pos = out.find(text, pos + 1)) {
          ++found;
        }
        return found >= count;
      },
      timeout);
}

int KubectlProcess::wait(std::chrono::milliseconds timeout) {
  int status = 0;
  int code = -1;
  wait_until(
      [&] {
        if (pid_ <= 0) return true;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
          code = exit_code(status);
          pid_ = -1;
          return true;
        }
        return false;
      },
      timeout);
  return code;
}

Kubectl::Kubectl(const std::string& kubeconfig_text) {
  std::ofstream(dir_.file("kubeconfig")) << kubeconfig_text;
}

std::vector<std::string> Kubectl::command(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"kubectl", "--kubeconfig", dir_.file("kubeconfig"),
                                   "--cache-dir", dir_.file("cache")};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

KubectlResult Kubectl::run(const std::vector<std::string>& args,
                           const std::string& stdin_text) const {
  int n = ++counter_;
  std::string in, out = dir_.file("out." + std::to_string(n)),
                  err = dir_.file("err." + std::to_string(n));
  if (!stdin_text.empty()) {
    in = dir_.file("in." + std::to_string(n));
    std::ofstream(in) << stdin_text;
  }
  KubectlResult result;
  pid_t pid = spawn(command(args), in, out, err);
  if (pid <= 0) {
    result.err = "cannot start kubectl";
    return result;
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = exit_code(status);
  result.out = read_text(out);
  result.err = read_text(err);
  return result;
}

KubectlProcess Kubectl::start(const std::vector<std::string>& args) const {
  int n = ++counter_;
  std::string out = dir_.file("out." + std::to_string(n)),
              err = dir_.file("err." + std::to_string(n));
  return KubectlProcess(spawn(command(args), "", out, err), out, err);
}

}  // namespace kc::testing
