// A djflow process running in the background for a test (the daemon: `djflow serve`), started
// with posix_spawn, its output in files; stopped by a signal and reaped by the test. The
// destructor kills a child still running, so a failed REQUIRE leaves no process behind.
#pragma once

#include <signal.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

extern char** environ;

namespace djflow::testing {

class ChildProcess {
 public:
  // Runs `argv` (argv[0] a path) with stdout and stderr appended to `out_file`; stdin /dev/null.
  ChildProcess(const std::vector<std::string>& argv, const std::string& out_file) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    if (posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
  }
  ~ChildProcess() {
    if (running()) {
      ::kill(pid_, SIGKILL);
      wait();
    }
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool started() const { return pid_ > 0; }
  bool running() const { return pid_ > 0 && !reaped_; }
  pid_t pid() const { return pid_; }
  void signal(int sig) const {
    if (running()) ::kill(pid_, sig);
  }
  // Waits for the process to end; its wait status (-1 when it was never started).
  int wait() {
    if (!running()) return status_;
    while (::waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    return status_;
  }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = -1;
};

}  // namespace djflow::testing
