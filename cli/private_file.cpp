#include "cli/private_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace djflow::cli {

namespace {

engine::Error cannot(const std::string& path, int err) {
  return engine::Error::invalid({"无法写入文件 " + path + "：" + std::strerror(err),
                                 "cannot write " + path + ": " + std::strerror(err)});
}

// Opens with mode 0600 on creation and fchmod()s an existing file: the umask never widens it.
int open_private(const std::string& path, int extra_flags) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | extra_flags, 0600);
  if (fd < 0) return -1;
  if (::fchmod(fd, 0600) != 0) {
    const int e = errno;
    ::close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

}  // namespace

engine::Status make_private_file(const std::string& path) {
  const int fd = open_private(path, O_APPEND);
  if (fd < 0) return cannot(path, errno);
  ::close(fd);
  return {};
}

engine::Status write_private_file(const std::string& path, std::string_view data) {
  const int fd = open_private(path, O_TRUNC);
  if (fd < 0) return cannot(path, errno);
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int e = errno;
      ::close(fd);
      return cannot(path, e);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::close(fd) != 0) return cannot(path, errno);
  return {};
}

}  // namespace djflow::cli
