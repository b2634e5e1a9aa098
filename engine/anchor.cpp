#include "engine/anchor.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "engine/history_hash.hpp"

namespace djflow::engine {

std::string case_leaf(const ChainHead& h) {
  return sha256_hex("case\n" + std::to_string(h.case_id) + "\n" + std::to_string(h.seq) + "\n" + h.hash);
}

std::string entity_leaf(std::int64_t seq, const std::string& head) {
  return sha256_hex("entities\n" + std::to_string(seq) + "\n" + head);
}

std::string merkle_root(std::vector<std::string> level) {
  if (level.empty()) return sha256_hex("");
  while (level.size() > 1) {
    std::vector<std::string> up;
    up.reserve(level.size() / 2 + 1);
    for (std::size_t i = 0; i + 1 < level.size(); i += 2) up.push_back(sha256_hex(level[i] + level[i + 1]));
    if (level.size() % 2 == 1) up.push_back(level.back());
    level.swap(up);
  }
  return level.front();
}

Anchor make_anchor(TimePoint at, const std::vector<ChainHead>& heads, std::int64_t entity_events,
                   const std::string& entity_head) {
  Anchor a;
  a.at = at;
  a.cases = static_cast<std::int64_t>(heads.size());
  a.entity_events = entity_events;
  a.entity_head = entity_head;
  std::vector<std::string> leaves;
  leaves.reserve(heads.size() + 1);
  for (const auto& h : heads) {
    a.events += h.seq;
    a.lengths.emplace_back(h.case_id, h.seq);
    leaves.push_back(case_leaf(h));
  }
  leaves.push_back(entity_leaf(entity_events, entity_head));
  a.root = merkle_root(std::move(leaves));
  return a;
}

std::string anchor_line(const Anchor& a) {
  nlohmann::json lengths = nlohmann::json::array();
  for (const auto& [id, seq] : a.lengths) lengths.push_back({id, seq});
  nlohmann::json j = {{"at", a.at.time_since_epoch().count()},
                      {"root", a.root},
                      {"cases", a.cases},
                      {"events", a.events},
                      {"entity_events", a.entity_events},
                      {"entity_head", a.entity_head},
                      {"lengths", lengths}};
  return j.dump();
}

Result<Anchor> parse_anchor_line(const std::string& line) {
  auto bad = [&](const std::string& why) {
    return Error::invalid({"存证记录无法解析（" + why + "）", "malformed anchor line (" + why + ")"});
  };
  const auto j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
  try {
    Anchor a;
    a.at = TimePoint(std::chrono::seconds(j.at("at").get<std::int64_t>()));
    a.root = j.at("root").get<std::string>();
    a.cases = j.at("cases").get<std::int64_t>();
    a.events = j.at("events").get<std::int64_t>();
    a.entity_events = j.at("entity_events").get<std::int64_t>();
    a.entity_head = j.at("entity_head").get<std::string>();
    for (const auto& p : j.at("lengths")) a.lengths.emplace_back(p.at(0).get<CaseId>(), p.at(1).get<std::int64_t>());
    if (!looks_like_digest(a.root)) return bad("root is not a SHA-256 digest");
    return a;
  } catch (const nlohmann::json::exception& e) {
    return bad(e.what());
  }
}

Status append_anchor(const std::string& path, const Anchor& a) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Error{ErrorCode::Storage, {"无法打开存证文件 " + path, "cannot open the anchors file " + path}, {}, {}, {}};
  const std::string text = anchor_line(a) + "\n";
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return Error{ErrorCode::Storage, {"无法写入存证文件 " + path, "cannot write the anchors file " + path}, {}, {}, {}};
  return {};
}

bool looks_like_digest(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace djflow::engine
