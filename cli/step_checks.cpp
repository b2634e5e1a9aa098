#include "cli/step_checks.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace djflow::cli {

namespace {

constexpr std::array<std::string_view, 3> kAttention{"calendar-unknown", "small-branch", "eligible-differs"};

bool needs_attention(const std::string& flag) {
  return std::find(kAttention.begin(), kAttention.end(), flag) != kAttention.end();
}

std::optional<engine::Date> input_date(const engine::EventRecord& e, const char* key) {
  auto it = e.inputs.find(key);
  if (it == e.inputs.end()) return std::nullopt;
  return engine::Date::parse(it->second);
}

}  // namespace

engine::Result<std::vector<FlaggedStep>> flagged_steps(Cli& cli) {
  std::vector<FlaggedStep> out;
  const auto& cal = cli.engine->calendar();
  auto st = cli.store->for_each_history([&](const engine::Case& c, const std::vector<engine::EventRecord>& events) {
    for (const auto& e : events) {
      FlaggedStep f;
      for (const auto& flag : e.flags)
        if (needs_attention(flag)) f.flags.push_back(flag);
      if (f.flags.empty()) continue;
      const auto from = input_date(e, "from");
      const auto to = input_date(e, "to");
      if (std::find(f.flags.begin(), f.flags.end(), "calendar-unknown") != f.flags.end() && from && to) {
        f.working_days_now = cal.working_days_inclusive(*from, *to);
        f.calendar_covers_now = true;
        for (int y = from->year(); y <= to->year(); ++y)
          if (!cal.covers(engine::Date(y, 1, 1))) f.calendar_covers_now = false;
      }
      f.c = c;
      f.event = e;
      out.push_back(std::move(f));
    }
    return true;
  });
  if (!st) return st.error();
  return out;
}

Json flagged_steps_json(const Cli& cli, const std::vector<FlaggedStep>& steps) {
  Json arr = Json::array();
  for (const auto& s : steps) {
    const auto* wf = cli.workflows->find(s.c.workflow);
    Json labels = Json::array();
    for (const auto& f : s.flags) labels.push_back(wf ? tr(cli.lang, wf->flag_label(f)) : f);
    Json j = {{"case", s.c.id},      {"workflow", s.c.workflow}, {"subject", s.c.title},
              {"branch", s.c.branch}, {"seq", s.event.seq},       {"event", s.event.event},
              {"date", s.event.date.iso()}, {"flags", s.flags},  {"labels", labels},
              {"note", s.event.note}};
    if (s.working_days_now) {
      j["working_days_now"] = *s.working_days_now;
      j["calendar_covers_now"] = s.calendar_covers_now;
    }
    arr.push_back(std::move(j));
  }
  return arr;
}

void print_flagged_steps(const Cli& cli, const std::vector<FlaggedStep>& steps, std::ostream& out) {
  const Lang l = cli.lang;
  if (steps.empty()) {
    out << tr(l, "没有需要复核的办理记录\n", "no recorded steps to recheck\n");
    return;
  }
  out << tr(l, "需要复核的办理记录：\n", "recorded steps to recheck:\n");
  Table t({tr(l, "事项", "case"), tr(l, "对象", "subject"), "#", tr(l, "步骤", "step"), tr(l, "日期", "date"),
           tr(l, "标记", "flags"), tr(l, "现状", "now")});
  for (const auto& s : steps) {
    const auto* wf = cli.workflows->find(s.c.workflow);
    std::string flags;
    for (const auto& f : s.flags) flags += (flags.empty() ? "" : ", ") + f;
    std::string now;
    if (s.working_days_now) {
      now = (s.calendar_covers_now ? tr(l, "日历已有数据，", "calendar now has the data, ")
                                   : tr(l, "仍无节假日数据，", "still no holiday data, ")) +
            tr(l, "工作日 ", "working days ") + std::to_string(*s.working_days_now);
    } else if (!s.event.note.empty()) {
      now = s.event.note;
    }
    t.add({"#" + std::to_string(s.c.id), s.c.title, std::to_string(s.event.seq),
           wf ? tr(l, wf->event_label(s.event.event)) : s.event.event, s.event.date.iso(), flags, now});
  }
  t.print(out, "  ");
}

}  // namespace djflow::cli
