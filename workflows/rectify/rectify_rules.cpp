#include "workflows/rectify/rectify_rules.hpp"

#include <algorithm>
#include <cctype>

#include "workflows/rectify/rectify_catalog.hpp"

namespace djflow::workflows::rectify {

using engine::Date;
using engine::Error;
using engine::Inputs;

namespace {

// Rule ids of rules.md and the text they come from.
std::string article_of(std::string_view rule) {
  if (rule == "Z1") return "《中国共产党巡视工作条例》第二十七条";
  if (rule == "Z-LEDGER") return "整改台账通行做法（可配置）";
  return "整改验收销号通行要求";
}

std::string event_zh(std::string_view event) { return event_label(item_events(), event).zh; }

std::string trim(std::string_view v) {
  auto blank_front = [&] {
    if (v.empty()) return 0;
    if (std::isspace(static_cast<unsigned char>(v.front()))) return 1;
    if (v.substr(0, 3) == "\u3000") return 3;
    return 0;
  };
  auto blank_back = [&] {
    if (v.empty()) return 0;
    if (std::isspace(static_cast<unsigned char>(v.back()))) return 1;
    if (v.size() >= 3 && v.substr(v.size() - 3) == "\u3000") return 3;
    return 0;
  };
  for (int n; (n = blank_front()) > 0;) v.remove_prefix(static_cast<std::size_t>(n));
  for (int n; (n = blank_back()) > 0;) v.remove_suffix(static_cast<std::size_t>(n));
  return std::string(v);
}

struct InputSpec {
  std::string_view event;
  std::vector<std::string_view> keys;
  std::vector<std::string_view> required;
  bool note_required;
  std::string_view expected;
};

const std::vector<InputSpec>& input_specs() {
  static const std::vector<InputSpec> kSpecs{
      {"register",
       {"batch", "source", "problem", "category", "cause", "target", "measures", "leader", "department",
        "owner", "supporting", "type", "deadline", "milestones"},
       {"problem", "measures", "leader", "department", "owner", "type"},
       false,
       "problem= measures= leader= department= owner= type=immediate|deadline|long-term "
       "[deadline=DATE] [milestones=DATE:TEXT;...] [category= cause= target= supporting= batch= source=]"},
      {"start", {}, {}, false, ""},
      {"progress", {"evidence"}, {}, true, "[evidence=REF] and --note TEXT"},
      {"milestone", {"evidence"}, {}, true, "[evidence=REF] and --note TEXT"},
      {"submit", {"evidence"}, {}, false, "evidence=REF (or --ref REF)"},
      // days-overdue is computed, not given: a stored value (replay, verify) is recomputed
      {"accept", {"verifier", "days-overdue"}, {}, false, "verifier=NAME"},
      {"return", {"verifier"}, {}, true, "[verifier=NAME] and --note REASON"},
      {"request-extension", {"to"}, {"to"}, true, "to=YYYY-MM-DD and --note REASON"},
      {"approve-extension", {"approver"}, {}, false, "approver=NAME"},
      {"deny-extension", {"approver"}, {}, false, "approver=NAME"},
      {"reopen", {"deadline"}, {}, true, "[deadline=YYYY-MM-DD] and --note REASON"},
      {"overdue", {}, {}, false, ""},
  };
  return kSpecs;
}

const InputSpec* find_spec(std::string_view event) {
  for (const auto& s : input_specs())
    if (s.event == event) return &s;
  return nullptr;
}

std::optional<Date> input_date(const Inputs& in, const std::string& key) {
  auto it = in.find(key);
  if (it == in.end()) return std::nullopt;
  return Date::parse(it->second);
}

std::string input(const Inputs& in, const std::string& key) {
  auto it = in.find(key);
  return it == in.end() ? std::string() : it->second;
}

}  // namespace

std::optional<std::vector<Milestone>> parse_milestones(std::string_view text) {
  std::vector<Milestone> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find_first_of(";\n", pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string part = trim(text.substr(pos, end - pos));
    pos = end + 1;
    if (part.empty()) {
      if (end == text.size()) break;
      continue;
    }
    if (part.size() < 10) return std::nullopt;
    auto d = Date::parse(part.substr(0, 10));
    if (!d) return std::nullopt;
    std::string rest = part.substr(10);
    if (!rest.empty() && (rest.front() == ':' || rest.front() == ' ')) rest.erase(0, 1);
    if (rest.rfind("\uff1a", 0) == 0) rest.erase(0, 3);  // full-width colon
    out.push_back({*d, trim(rest)});
    if (end == text.size()) break;
  }
  std::stable_sort(out.begin(), out.end(), [](const Milestone& a, const Milestone& b) { return a.date < b.date; });
  return out;
}

std::string format_milestones(const std::vector<Milestone>& ms) {
  std::string out;
  for (const auto& m : ms) out += (out.empty() ? "" : "\n") + m.date.iso() + ":" + m.text;
  return out;
}

bool same_person(std::string_view a, std::string_view b) {
  std::string x = trim(a), y = trim(b);
  for (auto* s : {&x, &y})
    for (auto& ch : *s)
      if (static_cast<unsigned char>(ch) < 0x80) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return !x.empty() && x == y;
}

Facts derive_facts(const std::vector<engine::EventRecord>& history) {
  Facts f;
  for (const auto& e : history) {
    if (e.event == "register") {
      f.type = input(e.inputs, "type");
      f.owner = input(e.inputs, "owner");
      f.leader = input(e.inputs, "leader");
      f.registered = e.date;
      f.deadline = input_date(e.inputs, "deadline");
      f.original_deadline = f.deadline;
      if (f.deadline) f.deadline_set_on = e.date;
      f.milestones = parse_milestones(input(e.inputs, "milestones")).value_or(std::vector<Milestone>{});
      f.activity = e.date;
    } else if (e.event == "start" || e.event == "progress" || e.event == "return") {
      f.activity = e.date;
      if (!input(e.inputs, "evidence").empty()) f.evidence = input(e.inputs, "evidence");
    } else if (e.event == "milestone") {
      f.activity = e.date;
      ++f.milestones_done;
      if (!input(e.inputs, "evidence").empty()) f.evidence = input(e.inputs, "evidence");
    } else if (e.event == "submit") {
      f.submitted = e.date;
      f.evidence = input(e.inputs, "evidence");
    } else if (e.event == "accept") {
      f.closed = e.date;
    } else if (e.event == "request-extension") {
      if (auto to = input_date(e.inputs, "to")) f.pending = PendingExtension{e.date, *to};
    } else if (e.event == "approve-extension") {
      if (f.pending) {
        f.deadline = f.pending->to;
        f.deadline_set_on = e.date;
        ++f.extensions;
      }
      f.pending.reset();
    } else if (e.event == "deny-extension") {
      f.pending.reset();
    } else if (e.event == "reopen") {
      f.activity = e.date;
      f.closed.reset();
      f.submitted.reset();
      if (auto d = input_date(e.inputs, "deadline")) {
        f.deadline = *d;
        f.deadline_set_on = e.date;
      }
    } else if (e.event == "overdue") {
      f.overdue_since = e.date;
    }
  }
  return f;
}

Step make_step(const engine::CaseContext& ctx, const engine::StepInput& in, std::string event) {
  return Step{ctx, in, std::move(event), derive_facts(ctx.history), {}};
}

Error refusal(const Step& s, std::string_view rule, const std::string& zh, const std::string& en) {
  const std::string art = article_of(rule);
  return Error::rule_refusal({event_zh(s.event) + "：" + zh + "（" + art + "）",
                              s.event + ": " + en + " (" + art + ", " + std::string(rule) + ")"},
                             std::string(rule), art);
}

Error invalid(const Step& s, const std::string& zh, const std::string& en) {
  return Error::invalid({event_zh(s.event) + "：" + zh, s.event + ": " + en});
}

Verdict normalize_inputs(Step& s) {
  const InputSpec* spec = find_spec(s.event);
  const std::string expected = spec ? std::string(spec->expected) : std::string();
  for (const auto& [key, value] : s.in.with) {
    const bool known = spec && std::find(spec->keys.begin(), spec->keys.end(), key) != spec->keys.end();
    if (!known) {
      if (!spec || spec->keys.empty())
        return invalid(s, "未知输入项“" + key + "”；此步骤不接受 --with 输入",
                       "unknown input '" + key + "'; this step takes no --with inputs");
      return invalid(s, "未知输入项“" + key + "”；应为 " + expected,
                     "unknown input '" + key + "'; expected " + expected);
    }
  }
  Inputs out;
  for (const auto& [key, value] : s.in.with) {
    std::string v = trim(value);
    if (!v.empty()) out[key] = std::move(v);
  }
  if (!spec) {
    s.inputs = std::move(out);
    return std::nullopt;
  }
  for (auto key : spec->required) {
    if (!out.count(std::string(key)))
      return invalid(s, "缺少输入项 " + std::string(key) + "；应为 " + expected,
                     "missing input " + std::string(key) + "; expected " + expected);
  }
  if (spec->note_required && trim(s.in.note).empty())
    return invalid(s, "须用 --note 写明情况或理由", "a --note is required (the progress, or the reason)");
  for (const char* key : {"deadline", "to"}) {
    auto it = out.find(key);
    if (it != out.end()) {
      auto d = Date::parse(it->second);
      if (!d)
        return invalid(s, std::string(key) + " 应为 YYYY-MM-DD 格式的日期：" + it->second,
                       std::string(key) + " must be a date YYYY-MM-DD, got " + it->second);
      it->second = d->iso();
    }
  }
  if (s.event == "register") {
    if (!valid_type(out["type"])) {
      return invalid(s, "整改类型应为 immediate（立行立改）、deadline（限期整改）或 long-term（长期坚持）：" + out["type"],
                     "type must be immediate, deadline or long-term, got " + out["type"]);
    }
    if (auto it = out.find("source"); it != out.end() && !valid_source(it->second))
      return invalid(s, "未知问题来源：" + it->second, "unknown source " + it->second);
    if (auto it = out.find("milestones"); it != out.end()) {
      auto ms = parse_milestones(it->second);
      if (!ms)
        return invalid(s, "阶段目标应为 YYYY-MM-DD:内容（多个用分号分隔）：" + it->second,
                       "milestones must be YYYY-MM-DD:TEXT entries separated by ';', got " + it->second);
      if (ms->empty()) out.erase(it);
      else it->second = format_milestones(*ms);
    }
    if (out["type"] == "immediate" && !out.count("deadline")) {
      const int days = s.ctx.config.get_int(kImmediateDays, 30);
      if (days > 0) out["deadline"] = s.in.date.add_days(days).iso();
    }
  }
  if (s.event == "submit" && !out.count("evidence") && !trim(s.in.ref).empty()) out["evidence"] = trim(s.in.ref);
  // How long the item was past its deadline when closed (kept on the closing event, §4.2).
  if (s.event == "accept" && s.facts.deadline)
    out["days-overdue"] = std::to_string(days_overdue(*s.facts.deadline, s.in.date));
  s.inputs = std::move(out);
  return std::nullopt;
}

bool long_term(const Step& s) { return s.facts.type == "long-term"; }

bool late(const Step& s) {
  std::optional<Date> deadline = s.facts.deadline;
  if (s.event == "approve-extension" && s.facts.pending) deadline = s.facts.pending->to;
  if (s.event == "reopen") {
    if (auto d = input_date(s.in.with, "deadline")) deadline = *d;
  }
  return deadline && overdue_as_of(*deadline, s.in.date);
}

std::string state_as_of(std::string_view state, std::optional<Date> open_due, Date day) {
  if ((state == "registered" || state == "in-progress") && open_due && overdue_as_of(*open_due, day)) return "overdue";
  return std::string(state);
}

bool ever_started(const std::vector<engine::EventRecord>& history) {
  return std::any_of(history.begin(), history.end(),
                     [](const engine::EventRecord& e) { return e.event == "start" || e.event == "reopen"; });
}

std::vector<std::string> step_flags(const Step& s) {
  std::vector<std::string> out;
  if (s.event == "accept" && s.inputs.count("days-overdue"))
    out.emplace_back(s.inputs.at("days-overdue") == "0" ? "closed-on-time" : "closed-late:" + s.inputs.at("days-overdue"));
  return out;
}

Verdict check_register(const Step& s) {
  const std::string type = input(s.inputs, "type");
  const auto deadline = input_date(s.inputs, "deadline");
  const bool has_milestones = s.inputs.count("milestones") > 0;
  if (type == "deadline" && !deadline)
    return refusal(s, "Z-ITEM", "限期整改事项须明确整改时限（--deadline）",
                   "a fixed-deadline (限期整改) item needs a deadline (--deadline)");
  if (type == "long-term" && !has_milestones)
    return refusal(s, "Z-ITEM", "长期坚持事项须明确阶段目标（--milestone 日期:内容）",
                   "a long-term (长期坚持) item needs dated milestones (--milestone DATE:TEXT)");
  if (type == "long-term" && deadline)
    return invalid(s, "长期坚持事项以阶段目标代替整改时限；请把最终时限写成最后一个阶段目标",
                   "a long-term item has milestones instead of a deadline; give the final date as its last milestone");
  if (type != "long-term" && has_milestones)
    return invalid(s, "阶段目标只用于长期坚持事项（--type long-term）",
                   "milestones are for long-term items only (--type long-term)");
  if (deadline && *deadline < s.in.date)
    return invalid(s, "整改时限 " + deadline->iso() + " 早于登记日期 " + s.in.date.iso(),
                   "deadline " + deadline->iso() + " is before the registration date " + s.in.date.iso());
  if (has_milestones) {
    const auto ms = *parse_milestones(input(s.inputs, "milestones"));
    if (ms.front().date < s.in.date)
      return invalid(s, "阶段目标日期 " + ms.front().date.iso() + " 早于登记日期 " + s.in.date.iso(),
                     "milestone " + ms.front().date.iso() + " is before the registration date " + s.in.date.iso());
  }
  return std::nullopt;
}

Verdict check_submit(const Step& s) {
  if (!s.inputs.count("evidence"))
    return refusal(s, "Z-ITEM", "申请销号须附佐证材料（--with evidence=材料编号 或 --ref），不得无佐证销号",
                   "submitting for close-out needs evidence (--with evidence=REF or --ref); never close without evidence");
  return std::nullopt;
}

Verdict check_submit_direct(const Step& s) {
  if (s.facts.type != "immediate")
    return refusal(s, "Z-ITEM", "只有立行立改事项可由“已登记”直接申请销号；请先记录 start（开始整改）",
                   "only immediate (立行立改) items may submit straight from registered; record start first");
  return check_submit(s);
}

Verdict check_accept(const Step& s) {
  const std::string verifier = input(s.inputs, "verifier");
  if (verifier.empty())
    return refusal(s, "Z-ITEM", "验收销号须写明验收人（--with verifier=姓名）",
                   "close-out needs a verifier (--with verifier=NAME)");
  if (same_person(verifier, s.facts.owner))
    return refusal(s, "Z-ITEM", "验收人“" + verifier + "”是本事项的责任人，验收人不得为责任人",
                   "the verifier '" + verifier + "' is the item's responsible person; the verifier must be someone else");
  return std::nullopt;
}

Verdict check_request_extension(const Step& s) {
  if (long_term(s) || !s.facts.deadline)
    return refusal(s, "Z-ITEM", "本事项没有整改时限，无需延期（长期坚持事项按阶段目标推进）",
                   "this item has no deadline to extend (long-term items follow their milestones)");
  if (s.facts.pending)
    return refusal(s, "Z-LEDGER", "已有待审批的延期申请（至 " + s.facts.pending->to.iso() + "），请先批准或驳回",
                   "an extension request (to " + s.facts.pending->to.iso() + ") is already pending; approve or deny it first");
  const Date to = *input_date(s.inputs, "to");
  if (to <= *s.facts.deadline)
    return refusal(s, "Z-LEDGER", "申请延期的新时限 " + to.iso() + " 须晚于现有整改时限 " + s.facts.deadline->iso(),
                   "the requested date " + to.iso() + " must be after the current deadline " + s.facts.deadline->iso());
  return std::nullopt;
}

Verdict check_decide_extension(const Step& s) {
  if (!s.facts.pending)
    return refusal(s, "Z-LEDGER", "没有待审批的延期申请（先记录 request-extension）",
                   "no extension request is pending (record request-extension first)");
  const std::string approver = input(s.inputs, "approver");
  if (approver.empty())
    return refusal(s, "Z-ITEM", "延期审批须写明审批人（--with approver=姓名）",
                   "deciding an extension needs the approver (--with approver=NAME)");
  if (same_person(approver, s.facts.owner))
    return refusal(s, "Z-ITEM", "审批人“" + approver + "”是本事项的责任人，延期须由责任人以外的上级批准",
                   "the approver '" + approver + "' is the item's responsible person; an extension is approved by someone above them");
  return std::nullopt;
}

Verdict check_overdue(const Step& s) {
  if (!s.facts.deadline || !overdue_as_of(*s.facts.deadline, s.in.date))
    return refusal(s, "Z-ITEM",
                   s.facts.deadline ? "整改时限 " + s.facts.deadline->iso() + " 尚未届满，不能记为逾期"
                                    : std::string("本事项没有整改时限，不会逾期"),
                   s.facts.deadline ? "the deadline " + s.facts.deadline->iso() + " has not passed yet"
                                    : std::string("this item has no deadline and cannot be overdue"));
  return std::nullopt;
}

Verdict check_reopen(const Step& s) {
  if (auto d = input_date(s.inputs, "deadline"); d && *d <= s.in.date)
    return invalid(s, "重新整改的时限 " + d->iso() + " 须晚于 " + s.in.date.iso(),
                   "the new deadline " + d->iso() + " must be after " + s.in.date.iso());
  return std::nullopt;
}

}  // namespace djflow::workflows::rectify
