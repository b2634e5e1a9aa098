#include "cli/import_rectify_steps.hpp"

#include <algorithm>

namespace djflow::cli {

using engine::Date;

namespace {

std::string trim(std::string s) {
  auto strip_front = [&](const std::string& p) {
    if (s.rfind(p, 0) == 0) {
      s.erase(0, p.size());
      return true;
    }
    return false;
  };
  while (strip_front(" ") || strip_front("\t") || strip_front("　") || strip_front("：")) {
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
  return s;
}

bool starts(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

// "DATE rest": the date is the first word (up to a blank, a full-width blank or "："). nullopt
// when it is not a date.
struct Dated {
  Date date;
  std::string rest;
};
std::optional<Dated> dated(const std::string& line) {
  std::size_t cut = line.size();
  for (const char* sep : {" ", "\t", "　", "："}) cut = std::min(cut, line.find(sep));
  auto d = parse_sheet_date(line.substr(0, cut));
  if (!d) return std::nullopt;
  return Dated{*d, cut == line.size() ? std::string() : trim(line.substr(cut))};
}

// The text after the first "：" (or ":"), trimmed; "" when there is none.
std::string after_colon(const std::string& s) {
  auto p = s.find("：");
  if (p != std::string::npos) return trim(s.substr(p + 3));
  p = s.find(':');
  return p == std::string::npos ? std::string() : trim(s.substr(p + 1));
}

std::vector<std::string> split_evidence(const std::string& cell) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    cur = trim(cur);
    if (!cur.empty()) out.push_back(cur);
    cur.clear();
  };
  for (std::size_t i = 0; i < cell.size();) {
    if (cell.compare(i, 3, "；") == 0) {
      flush();
      i += 3;
    } else if (cell[i] == ';' || cell[i] == '\n') {
      flush();
      ++i;
    } else {
      cur += cell[i++];
    }
  }
  flush();
  return out;
}

engine::Text bad_line(const std::string& what_zh, const std::string& what_en, const std::string& line) {
  return {what_zh + "：" + line, what_en + ": " + line};
}

}  // namespace

LedgerPlan plan_ledger_row(ImportSheet& sh, const ImportRow& r, const std::string& type, Date registered,
                           const std::string& actor) {
  LedgerPlan plan;
  auto step = [&](Date d, int order, const std::string& key, const std::string& event) -> LedgerStep& {
    plan.steps.push_back({d, order, key, {event, d, {}, "", "", actor}});
    return plan.steps.back();
  };
  const auto not_dated = [&](const std::string& key, const std::string& line) {
    sh.problem(r, key, bad_line("每行应以日期开头（如“2026-11-20 内容”）", "each line must start with a date ('2026-11-20 TEXT')", line));
  };

  // 整改时限: as registered; "2027-01-31（原定 2026-12-31）" after an extension (the export's form).
  if (r.has("deadline")) {
    std::string v = r.get("deadline");
    if (auto p = v.find("原定"); p != std::string::npos) {
      std::string orig = trim(v.substr(p + 6));
      if (auto e = orig.find("）"); e != std::string::npos) orig = trim(orig.substr(0, e));
      if (auto d = parse_sheet_date(orig)) plan.deadline = d->iso();
      else sh.problem(r, "deadline", {"“" + v + "”不是有效日期", "'" + v + "' is not a valid date"});
    } else if (auto d = sh.date(r, "deadline")) {
      plan.deadline = d->iso();
    }
  }
  // 阶段目标: one "DATE TEXT" a line; the export's "（已检查）" is what the milestones' steps say.
  for (auto line : split_lines(r.get("milestones"))) {
    const std::string done = "（已检查）";
    if (line.size() > done.size() && line.compare(line.size() - done.size(), done.size(), done) == 0)
      line.erase(line.size() - done.size());
    auto d = dated(line);
    if (!d || d->rest.empty()) {
      sh.problem(r, "milestones", bad_line("阶段目标每行应为“日期 内容”", "each milestone line must be 'DATE TEXT'", line));
      break;
    }
    plan.milestones.push_back(d->date.iso() + ":" + d->rest);
  }
  // 备注: the registration's note; the lines djflow itself writes there are steps (回头看) or
  // recorded by the tick (逾期).
  std::string note;
  for (const auto& line : split_lines(r.get("note"))) {
    auto d = dated(line);
    if (d && d->rest == "起逾期") continue;
    if (d && starts(d->rest, "回头看重新整改")) {
      step(d->date, 1000, "note", "reopen").in.note = after_colon(d->rest);
      continue;
    }
    note += (note.empty() ? "" : "\n") + line;
  }
  plan.note = note;

  bool needs_start = false;
  // 进展情况: "DATE TEXT" (progress) or "DATE 阶段目标检查：TEXT" (milestone).
  for (const auto& line : split_lines(r.get("progress"))) {
    auto d = dated(line);
    if (!d) {
      not_dated("progress", line);
      continue;
    }
    const bool milestone = starts(d->rest, "阶段目标检查");
    step(d->date, 1, "progress", milestone ? "milestone" : "progress").in.note = milestone ? after_colon(d->rest) : d->rest;
    needs_start = true;
  }
  // 延期申请及批准: "DATE 申请延期至 DATE2（理由）", "DATE 姓名 批准延期", "DATE 姓名 不予延期".
  for (const auto& line : split_lines(r.get("extensions"))) {
    auto d = dated(line);
    if (!d) {
      not_dated("extensions", line);
      continue;
    }
    const std::string& t = d->rest;
    if (auto p = t.find("申请延期至"); p != std::string::npos) {
      std::string rest = trim(t.substr(p + std::string("申请延期至").size()));
      std::string reason;
      if (auto q = rest.find("（"); q != std::string::npos) {
        reason = rest.substr(q + 3);
        if (auto e = reason.rfind("）"); e != std::string::npos) reason.erase(e);
        rest = trim(rest.substr(0, q));
      } else if (auto q2 = rest.find(' '); q2 != std::string::npos) {
        reason = trim(rest.substr(q2));
        rest = rest.substr(0, q2);
      }
      auto to = parse_sheet_date(rest);
      if (!to) {
        sh.problem(r, "extensions", bad_line("申请延期至的日期无效", "the requested date is not a valid date", line));
        continue;
      }
      auto& s = step(d->date, 2, "extensions", "request-extension");
      s.in.with["to"] = to->iso();
      s.in.note = trim(reason);
      continue;
    }
    const bool approve = t.find("批准延期") != std::string::npos || t.find("同意延期") != std::string::npos;
    const bool deny = t.find("不予延期") != std::string::npos || t.find("驳回延期") != std::string::npos;
    if (approve == deny) {
      sh.problem(r, "extensions", bad_line("应为“日期 申请延期至 日期（理由）”“日期 姓名 批准延期”或“日期 姓名 不予延期”",
                                           "expected 'DATE 申请延期至 DATE（reason）', 'DATE NAME 批准延期' or 'DATE NAME 不予延期'", line));
      continue;
    }
    const std::string word = deny ? (t.find("不予延期") != std::string::npos ? "不予延期" : "驳回延期")
                                  : (t.find("批准延期") != std::string::npos ? "批准延期" : "同意延期");
    auto& s = step(d->date, 3, "extensions", deny ? "deny-extension" : "approve-extension");
    const std::string who = trim(t.substr(0, t.find(word)));
    if (!who.empty()) s.in.with["approver"] = who;
  }
  // 销号申请 with the 佐证材料 (paired in order when there are as many, else all with each).
  const auto evidence = split_evidence(r.get("evidence"));
  std::size_t n_submit = 0;
  const auto submit_lines = split_lines(r.get("submits"));
  for (const auto& line : submit_lines) {
    auto d = dated(line);
    if (!d) {
      not_dated("submits", line);
      continue;
    }
    auto& s = step(d->date, 10 + 2 * static_cast<int>(n_submit), "submits", "submit");
    s.in.note = d->rest;
    if (evidence.size() == submit_lines.size()) s.in.with["evidence"] = evidence[n_submit];
    else if (!evidence.empty()) s.in.with["evidence"] = r.get("evidence");
    ++n_submit;
    if (type != "immediate") needs_start = true;
  }
  // 审核意见: "DATE 验收通过[：意见]" (accept) or "DATE 验收未通过：理由" (return); 验收人 and 销号时间.
  const auto verifiers = split_names(r.get("verifiers"));
  std::vector<Date> accepted;
  std::size_t n_opinion = 0, n_accept = 0;
  for (const auto& line : split_lines(r.get("opinions"))) {
    auto d = dated(line);
    if (!d) {
      not_dated("opinions", line);
      continue;
    }
    const bool back = starts(d->rest, "验收未通过") || starts(d->rest, "退回");
    if (!back && !starts(d->rest, "验收通过")) {
      sh.problem(r, "opinions", bad_line("应为“日期 验收通过：意见”或“日期 验收未通过：理由”",
                                         "expected 'DATE 验收通过：opinion' or 'DATE 验收未通过：reason'", line));
      continue;
    }
    auto& s = step(d->date, 11 + 2 * static_cast<int>(n_opinion++), back ? "opinions" : "verifiers", back ? "return" : "accept");
    s.in.note = after_colon(d->rest);
    if (!back) {
      if (!verifiers.empty()) s.in.with["verifier"] = verifiers[std::min(n_accept, verifiers.size() - 1)];
      accepted.push_back(d->date);
      ++n_accept;
    }
  }
  std::vector<Date> closes;
  for (const auto& t : split_names(r.get("closed"))) {
    if (auto d = parse_sheet_date(t)) closes.push_back(*d);
    else sh.problem(r, "closed", {"“" + t + "”不是有效日期", "'" + t + "' is not a valid date"});
  }
  if (accepted.empty()) {
    // Only 销号时间 (and 验收人) given: the close-outs on those dates.
    for (const Date d : closes) {
      auto& s = step(d, 11 + 2 * static_cast<int>(n_opinion++), "closed", "accept");
      if (!verifiers.empty()) s.in.with["verifier"] = verifiers[std::min(n_accept, verifiers.size() - 1)];
      accepted.push_back(d);
      ++n_accept;
    }
  } else if (!closes.empty() && closes != accepted) {
    sh.problem(r, "closed", {"与审核意见中验收通过的日期不一致", "differs from the dates the review opinions accept"});
  }
  // 完成情况 / 当前状态: what they say must be what the steps above make of the item.
  for (const char* key : {"completion", "state"}) {
    const std::string v = r.get(key);
    if (v.empty()) continue;
    if (v.find("整改中") != std::string::npos || v.find("已逾期") != std::string::npos ||
        v.find("长期坚持") != std::string::npos)
      needs_start = true;
    if ((v.find("已完成") != std::string::npos || v.find("已销号") != std::string::npos) && accepted.empty())
      sh.problem(r, key, {"写明已销号，但审核意见、销号时间中没有验收通过", "says closed, but no acceptance is given (审核意见, 销号时间)"});
    if (v.find("待验收") != std::string::npos && n_submit <= n_opinion)
      sh.problem(r, key, {"写明待验收，但销号申请中没有未审核的申请", "says awaiting acceptance, but no pending close-out request is given (销号申请)"});
  }
  if (needs_start) step(registered, 0, "date", "start");
  std::stable_sort(plan.steps.begin(), plan.steps.end(), [](const LedgerStep& a, const LedgerStep& b) {
    return a.date != b.date ? a.date < b.date : a.order < b.order;
  });
  return plan;
}

}  // namespace djflow::cli
