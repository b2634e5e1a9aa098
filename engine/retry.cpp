#include "engine/retry.hpp"

#include <chrono>
#include <random>
#include <string>
#include <thread>

namespace djflow::engine {

namespace {
thread_local int give_ups = 0;
}  // namespace

int transient_give_ups() { return give_ups; }
void count_give_up() { ++give_ups; }

void transient_pause(int attempt) {
  thread_local std::minstd_rand jitter{std::random_device{}()};
  const int base = 5 << (attempt - 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(base + static_cast<int>(jitter() % (2 * base + 1))));
}

Error gave_up_after(int attempts) {
  const std::string n = std::to_string(attempts);
  return Error::conflict(
      {"并发冲突：已尝试 " + n + " 次，每次都因其他进程同时进行的写入而被数据库中止（序列化失败或死锁），未写入任何内容；请稍后重试",
       "concurrent conflict: gave up after " + n +
           " attempts, each broken off by the database because of another process's concurrent write "
           "(serialization failure or deadlock); nothing was written; try again"});
}

Error gave_up_after(const Error& last, int attempts) {
  Error e = gave_up_after(attempts);
  e.message.zh += "（最后一次的错误：" + last.message.zh + "）";
  e.message.en += " (the last attempt's error: " + last.message.en + ")";
  return e;
}

}  // namespace djflow::engine
