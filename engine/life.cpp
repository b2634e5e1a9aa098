#include "engine/life.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <set>

namespace djflow::engine::life {

namespace {

std::string get(const Inputs& in, const std::string& key) {
  auto it = in.find(key);
  return it == in.end() ? std::string() : it->second;
}

std::optional<std::int64_t> to_int(std::string_view s) {
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (from <= s.size() && !s.empty()) {
    const auto at = s.find(sep, from);
    out.emplace_back(s.substr(from, at == std::string_view::npos ? std::string_view::npos : at - from));
    if (at == std::string_view::npos) break;
    from = at + 1;
  }
  return out;
}

std::string month_of(Date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u", d.year(), d.month());
  return buf;
}

}  // namespace

std::string_view to_string(Period p) {
  switch (p) {
    case Period::None: return "none";
    case Period::Month: return "month";
    case Period::Quarter: return "quarter";
    case Period::Half: return "half";
    case Period::Year: return "year";
  }
  return "none";
}

std::optional<Period> period_from(std::string_view s) {
  if (s == "none" || s == "不要求") return Period::None;
  if (s == "month" || s == "每月") return Period::Month;
  if (s == "quarter" || s == "每季度") return Period::Quarter;
  if (s == "half" || s == "每半年") return Period::Half;
  if (s == "year" || s == "每年") return Period::Year;
  return std::nullopt;
}

Text period_label(Period p) {
  switch (p) {
    case Period::None: return {"不要求", "not required"};
    case Period::Month: return {"每月", "monthly"};
    case Period::Quarter: return {"每季度", "quarterly"};
    case Period::Half: return {"每半年", "half-yearly"};
    case Period::Year: return {"每年", "yearly"};
  }
  return {};
}

const std::vector<Kind>& kinds() {
  static const std::vector<Kind> k = {
      {"general-meeting", "支部党员大会", "branch general meeting", Period::Quarter,
       "《中国共产党支部工作条例（试行）》第十一条", "《中国共产党支部工作条例（试行）》第十一条", "R1", true},
      {"committee-meeting", "支部委员会会议", "branch committee meeting", Period::Month,
       "《中国共产党支部工作条例（试行）》第十二条", "《中国共产党支部工作条例（试行）》第十二条", "R2", true},
      {"group-meeting", "党小组会", "party group meeting", Period::Month,
       "《中国共产党支部工作条例（试行）》第十三条", "《中国共产党支部工作条例（试行）》第十三条", "R3", true},
      {"lecture", "党课", "party lecture", Period::Quarter,
       "《中国共产党支部工作条例（试行）》第十五条", "《中国共产党支部工作条例（试行）》第十五条", "R4", true},
      {"secretary-lecture", "书记讲党课", "lecture by the branch secretary", Period::Year,
       "《中国共产党支部工作条例（试行）》第十五条", "《中国共产党支部工作条例（试行）》第十五条", "R4", false},
      {"theme-day", "主题党日", "themed Party day", Period::Month,
       "《中国共产党支部工作条例（试行）》第十六条", "《中国共产党支部工作条例（试行）》第十六条", "R5", true},
      {"life-meeting", "组织生活会", "organisational-life meeting", Period::Year,
       "《中国共产党支部工作条例（试行）》第十七条", "《中国共产党支部工作条例（试行）》第十七条", "R6", true},
      {"talk", "谈心谈话", "heart-to-heart talks", Period::Year,
       "《中国共产党支部工作条例（试行）》第十八条", "《中国共产党支部工作条例（试行）》第十八条", "R7", false},
      {"appraisal", "民主评议党员", "democratic appraisal of members", Period::Year,
       "《中国共产党支部工作条例（试行）》第十九条", "《中国共产党支部工作条例（试行）》第十九条", "R8", true},
  };
  return k;
}

const Kind* find_kind(std::string_view id) {
  for (const auto& k : kinds())
    if (id == k.id) return &k;
  return nullptr;
}

std::optional<std::string> resolve_kind(std::string_view name) {
  for (const auto& k : kinds())
    if (name == k.id || name == k.zh || name == k.en) return std::string(k.id);
  static const std::vector<std::pair<std::string_view, std::string_view>> aliases = {
      {"党员大会", "general-meeting"},    {"general", "general-meeting"},
      {"支委会", "committee-meeting"},    {"committee", "committee-meeting"},
      {"支部委员会", "committee-meeting"}, {"group", "group-meeting"},
      {"党小组会议", "group-meeting"},    {"party-lecture", "lecture"},
      {"主题党日活动", "theme-day"},      {"固定党日", "theme-day"},
      {"theme", "theme-day"},             {"themed-party-day", "theme-day"},
      {"life", "life-meeting"},           {"组织生活", "life-meeting"},
      {"民主评议", "appraisal"},          {"talks", "talk"},
  };
  for (const auto& [a, id] : aliases)
    if (name == a) return std::string(id);
  return std::nullopt;
}

bool combinable(std::string_view a, std::string_view b) {
  if (a == b) return false;
  static const std::set<std::pair<std::string_view, std::string_view>> ok = {
      {"theme-day", "group-meeting"},   {"theme-day", "general-meeting"}, {"theme-day", "lecture"},
      {"general-meeting", "lecture"},   {"group-meeting", "lecture"},     {"general-meeting", "life-meeting"},
      {"life-meeting", "appraisal"},    {"general-meeting", "appraisal"},
  };
  return ok.count({a, b}) || ok.count({b, a});
}

Span period_span(Period p, Date d) {
  const int y = d.year();
  const unsigned m = d.month();
  auto month_end = [](int year, unsigned month) { return Date(year, month, 1).add_months(1).add_days(-1); };
  switch (p) {
    case Period::Month: return {Date(y, m, 1), month_end(y, m)};
    case Period::Quarter: {
      const unsigned q0 = (m - 1) / 3 * 3 + 1;
      return {Date(y, q0, 1), month_end(y, q0 + 2)};
    }
    case Period::Half: {
      const unsigned h0 = m <= 6 ? 1 : 7;
      return {Date(y, h0, 1), month_end(y, h0 + 5)};
    }
    case Period::Year:
    case Period::None: return {Date(y, 1, 1), Date(y, 12, 31)};
  }
  return {d, d};
}

std::string period_name(Period p, Date d) {
  const std::string y = std::to_string(d.year());
  switch (p) {
    case Period::Month: return month_of(d);
    case Period::Quarter: return y + "-Q" + std::to_string((d.month() - 1) / 3 + 1);
    case Period::Half: return y + (d.month() <= 6 ? "-H1" : "-H2");
    default: return y;
  }
}

std::string period_setting(std::string_view kind) { return "life.period." + std::string(kind); }

std::string join_ids(const std::vector<PersonId>& ids) {
  std::string out;
  for (auto id : ids) out += (out.empty() ? "" : ",") + std::to_string(id);
  return out;
}

std::vector<PersonId> split_ids(std::string_view s) {
  std::vector<PersonId> out;
  for (const auto& part : split(s, ','))
    if (auto v = to_int(part)) out.push_back(*v);
  return out;
}

Facts facts(const std::vector<EventRecord>& history) {
  Facts f;
  bool first = true;
  for (const auto& e : history) {
    if (first) f.started = f.as_of = e.date, first = false;
    if (e.date > f.as_of) f.as_of = e.date;
    const Inputs& in = e.inputs;
    if (e.event == "start" || e.event == "configure") {
      for (const auto& [k, v] : in) {
        if (k.rfind("period:", 0) == 0) {
          if (auto p = period_from(v)) f.config.periods[k.substr(7)] = *p;
        }
      }
      if (auto d = to_int(get(in, "theme-day"))) f.config.theme_day = static_cast<int>(*d);
      if (auto s = to_int(get(in, "secretary"))) f.config.secretary = *s;
      if (in.count("committee")) f.config.committee = split_ids(get(in, "committee"));
    } else if (e.event == "meeting") {
      Meeting m;
      m.seq = e.seq;
      m.date = e.date;
      m.kinds = split(get(in, "kinds"), ',');
      m.topic = get(in, "topic");
      m.present = split_ids(get(in, "present"));
      for (const auto& [k, v] : in)
        if (k.rfind("absent:", 0) == 0)
          if (auto id = to_int(std::string_view(k).substr(7))) m.absent[*id] = v;
      m.should_attend = static_cast<int>(to_int(get(in, "should-attend")).value_or(0));
      m.speaker = get(in, "speaker");
      m.by_secretary = get(in, "by-secretary") == "yes";
      m.minutes = e.ref;
      f.meetings.push_back(std::move(m));
    } else if (e.event == "talk") {
      Talk t;
      t.date = e.date;
      t.with = to_int(get(in, "with")).value_or(0);
      t.by = to_int(get(in, "by")).value_or(0);
      t.topic = get(in, "topic");
      t.covers_all = get(in, "covers") == "all";
      f.talks.push_back(std::move(t));
    } else if (e.event == "dues") {
      for (const auto& [k, v] : in) {
        if (k.rfind("dues:", 0) != 0) continue;
        const auto parts = split(std::string_view(k).substr(5), ':');
        if (parts.size() != 2) continue;
        // "amount@date-paid" (the date of the step when no date is given).
        const auto at = v.find('@');
        const auto paid = at == std::string::npos ? std::optional<Date>(e.date) : Date::parse(v.substr(at + 1));
        if (auto id = to_int(parts[0])) f.dues.push_back({*id, parts[1], v.substr(0, at), paid.value_or(e.date)});
      }
    } else if (e.event == "dues-base") {
      if (auto id = to_int(get(in, "person")))
        f.bases.push_back({*id, get(in, "from"), get(in, "category"), get(in, "base"), get(in, "amount"), e.date});
    } else if (e.event == "dues-relief") {
      if (auto id = to_int(get(in, "person")))
        f.reliefs.push_back({*id, get(in, "from"), get(in, "to"), get(in, "amount"), get(in, "study"), e.ref});
    } else if (e.event == "grades") {
      for (const auto& [k, v] : in)
        if (k.rfind("grade:", 0) == 0)
          if (auto id = to_int(std::string_view(k).substr(6)))
            f.grades.push_back({*id, v, e.date, Date::parse(get(in, "correct-by:" + std::to_string(*id)))});
    } else if (e.event == "correction") {
      if (auto id = to_int(get(in, "person"))) f.corrections.push_back({*id, get(in, "outcome"), e.date, e.ref});
    }
  }
  return f;
}

Period period_for(const Facts& f, const Config& config, std::string_view kind) {
  if (auto it = f.config.periods.find(std::string(kind)); it != f.config.periods.end()) return it->second;
  if (auto v = config.get(period_setting(kind)))
    if (auto p = period_from(*v)) return *p;
  const Kind* k = find_kind(kind);
  return k ? k->period : Period::None;
}

int theme_day(const Facts& f, const Config& config) {
  return f.config.theme_day.value_or(config.get_int(kSettingThemeDay, 15));
}

std::optional<std::string> resolve_grade(std::string_view name) {
  if (name == "excellent" || name == "优秀") return "excellent";
  if (name == "qualified" || name == "合格") return "qualified";
  if (name == "basic" || name == "basically-qualified" || name == "基本合格") return "basic";
  if (name == "unqualified" || name == "不合格") return "unqualified";
  return std::nullopt;
}

Text grade_label(std::string_view id) {
  if (id == "excellent") return {"优秀", "excellent"};
  if (id == "qualified") return {"合格", "qualified"};
  if (id == "basic") return {"基本合格", "basically qualified"};
  if (id == "unqualified") return {"不合格", "unqualified"};
  return {std::string(id), std::string(id)};
}

namespace {

// Whether the history holds what fulfils `kind` within `span`.
bool held_in(const Facts& f, std::string_view kind, Span span) {
  if (kind == "talk") {
    return std::any_of(f.talks.begin(), f.talks.end(),
                       [&](const Talk& t) { return t.covers_all && span.contains(t.date); });
  }
  if (kind == "secretary-lecture") {
    return std::any_of(f.meetings.begin(), f.meetings.end(), [&](const Meeting& m) {
      return m.by_secretary && span.contains(m.date) &&
             std::find(m.kinds.begin(), m.kinds.end(), "lecture") != m.kinds.end();
    });
  }
  if (kind == "appraisal" && std::any_of(f.grades.begin(), f.grades.end(),
                                         [&](const Grade& g) { return span.contains(g.date); }))
    return true;
  return std::any_of(f.meetings.begin(), f.meetings.end(), [&](const Meeting& m) {
    return span.contains(m.date) && std::find(m.kinds.begin(), m.kinds.end(), kind) != m.kinds.end();
  });
}

}  // namespace

bool held(const Facts& f, std::string_view kind, Span span) { return held_in(f, kind, span); }

std::vector<KindCount> expected_held(const Facts& f, const Config& config, Date from, Date to, Date as_of) {
  std::vector<KindCount> out;
  for (const auto& k : kinds()) {
    KindCount c;
    c.kind = k.id;
    c.period = period_for(f, config, k.id);
    if (c.period != Period::None) {
      Span s = period_span(c.period, from);
      while (s.from <= to) {
        const bool closed = s.to < as_of;
        const bool counted = s.to >= f.started && s.to >= from && s.to <= to;
        const bool h = held_in(f, k.id, {std::max(s.from, from), std::min({s.to, to, as_of})});
        if (counted && (closed || h)) {
          ++c.expected;
          if (h) ++c.held;
          else c.missed.push_back(period_name(c.period, s.from));
        }
        s = period_span(c.period, s.to.add_days(1));
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<std::string> unpaid_months(const Facts& f, PersonId person, Date from, Date as_of) {
  std::set<std::string> paid;
  for (const auto& p : f.dues)
    if (p.person == person && p.paid_on <= as_of) paid.insert(p.month);
  std::vector<std::string> out;
  const Date end = Date(as_of.year(), as_of.month(), 1);
  // Months exempted by approval (R18, an amount of nothing) are not owed.
  auto exempt = [&](const std::string& month) {
    return std::any_of(f.reliefs.begin(), f.reliefs.end(), [&](const DuesRelief& r) {
      return r.person == person && r.from <= month && (r.to.empty() || month <= r.to) &&
             r.amount.find_first_not_of("0.") == std::string::npos;
    });
  };
  for (Date m = Date(from.year(), from.month(), 1); m < end; m = m.add_months(1))
    if (!paid.count(month_of(m)) && !exempt(month_of(m))) out.push_back(month_of(m));
  return out;
}

std::vector<LapseFlag> lapse_flags(const Facts& f, const std::vector<Person>& members, Date as_of) {
  std::vector<LapseFlag> out;
  const bool dues_kept = std::any_of(f.dues.begin(), f.dues.end(), [&](const DuesPayment& p) { return p.paid_on <= as_of; });
  for (const auto& p : members) {
    if (p.status == MemberStatus::None) continue;
    LapseFlag fl;
    fl.person = p.id;
    Date since = f.started;
    if (p.joined && *p.joined > since) since = *p.joined;
    Date base = since;
    for (const auto& m : f.meetings) {
      if (m.date > as_of) continue;
      const bool present = std::find(m.present.begin(), m.present.end(), p.id) != m.present.end();
      auto a = m.absent.find(p.id);
      const bool excused = a != m.absent.end() && !a->second.empty();
      if ((present || excused) && (!fl.last_seen || m.date > *fl.last_seen)) fl.last_seen = m.date;
    }
    if (fl.last_seen && *fl.last_seen > base) base = *fl.last_seen;
    const bool missed_one = std::any_of(f.meetings.begin(), f.meetings.end(), [&](const Meeting& m) {
      if (m.date <= base || m.date > as_of) return false;
      auto a = m.absent.find(p.id);
      return std::find(m.present.begin(), m.present.end(), p.id) == m.present.end() &&
             (a == m.absent.end() || a->second.empty());
    });
    fl.attendance = missed_one && as_of >= base.add_months(6);
    if (dues_kept) {
      // Consecutive unpaid months up to the month before as_of's.
      const auto unpaid = unpaid_months(f, p.id, since, as_of);
      int run = 0;
      Date m = Date(as_of.year(), as_of.month(), 1).add_months(-1);
      for (auto it = unpaid.rbegin(); it != unpaid.rend() && *it == month_of(m); ++it, m = m.add_months(-1)) ++run;
      fl.unpaid_months = run;
      fl.dues = run >= 6;
    }
    if (fl.attendance || fl.dues) out.push_back(fl);
  }
  return out;
}

std::string deadline_kind_correction(PersonId p) { return "correction-" + std::to_string(p); }

std::vector<Unqualified> unqualified(const Facts& f) {
  std::map<PersonId, const Grade*> latest;
  for (const auto& g : f.grades) {
    auto& slot = latest[g.person];
    if (!slot || g.date >= slot->date) slot = &g;
  }
  std::vector<Unqualified> out;
  for (const auto& [person, g] : latest) {
    if (g->grade != "unqualified") continue;
    Unqualified u{person, g->date, g->correct_by.value_or(g->date.add_months(6)), "correcting"};
    for (const auto& c : f.corrections) {
      if (c.person != person || c.date < g->date) continue;
      if (c.outcome == "corrected") u.state = "corrected";
      else if (c.outcome == "persuade") u.state = "persuade-decided";
      else if (c.outcome == "remove") u.state = "remove-decided";
      else if (c.outcome == "approved") u.state = u.state == "remove-decided" ? "removed" : "persuaded";
      else if (c.outcome == "rejected") u.state = u.state == "remove-decided" ? "persuaded" : "kept";
    }
    out.push_back(u);
  }
  return out;
}

}  // namespace djflow::engine::life
