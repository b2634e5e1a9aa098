// Set-up commands: init, branch, person, config, calendar.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "cli/app.hpp"
#include "cli/org_status.hpp"
#include "cli/people.hpp"
#include "cli/resolve.hpp"
#include "engine/settings.hpp"
#include "storage/open_store.hpp"

namespace djflow::cli {

using engine::Error;

namespace {

Json branch_json(const engine::Branch& b) {
  return {{"code", b.code}, {"name", b.name}, {"kind", b.kind}, {"parent", b.parent}};
}

std::vector<Choice> kind_choices() {
  return {{"branch", {"党支部", "branch"}}, {"general", {"党总支", "general branch"}}, {"committee", {"基层党委", "committee"}, {"党委"}}};
}

std::string kind_label(Lang lang, const std::string& kind) {
  if (kind == "branch") return tr(lang, "党支部", "branch");
  if (kind == "general") return tr(lang, "党总支", "general branch");
  if (kind == "committee") return tr(lang, "基层党委", "committee");
  return kind;
}

std::string status_label(Lang lang, engine::MemberStatus s) {
  switch (s) {
    case engine::MemberStatus::Full: return tr(lang, "正式党员", "full member");
    case engine::MemberStatus::Probationary: return tr(lang, "预备党员", "probationary member");
    case engine::MemberStatus::None: break;
  }
  return tr(lang, "群众", "not a member");
}

Json person_json(const engine::Person& p) {
  return {{"id", p.id},       {"name", p.name},
          {"branch", p.branch}, {"born", p.born.iso()},
          {"status", engine::to_string(p.status)},
          {"joined", p.joined ? Json(p.joined->iso()) : Json(nullptr)},
          {"key", p.key.empty() ? Json(nullptr) : Json(p.key)},
          {"phone", p.phone.empty() ? Json(nullptr) : Json(p.phone)}};
}

}  // namespace

void register_admin_commands(CLI::App& app, Cli& cli) {
  // --- init ---------------------------------------------------------------------------------
  {
    auto* cmd = app.add_subcommand("init", tr(cli.lang, "创建数据库，或把已有数据库升级到本版本", "create the database, or migrate it to this version"));
    auto tz = std::make_shared<std::string>();
    auto rt = std::make_shared<std::string>();
    cmd->add_option("--timezone", *tz, tr(cli.lang, "本组织所在时区（默认 Asia/Shanghai）", "the organisation's time zone (default Asia/Shanghai)"));
    cmd->add_option("--reminder-time", *rt, tr(cli.lang, "每天发出提醒的时刻，格式 HH:MM（默认 09:00）", "local time reminders fall due, HH:MM (default 09:00)"));
    cmd->callback([&cli, tz, rt] {
      cli.action = [&cli, tz, rt]() -> int {
        // Checked before the database is created or touched: a bad value stores nothing.
        if (!tz->empty())
          if (auto s = engine::validate_setting(engine::kSettingTimeZone, *tz); !s) return cli.fail(s.error());
        if (!rt->empty())
          if (auto s = engine::validate_setting(engine::kSettingReminderTime, *rt); !s) return cli.fail(s.error());
        if (auto s = cli.open(true); !s) return cli.fail(s.error());
        auto& store = *cli.store;
        engine::WriteTransaction tx(store);
        if (auto s = tx.begin(); !s) return cli.fail(s.error());
        auto existing = store.holidays();
        if (!existing) return cli.fail(existing.error());
        int seeded = 0;
        if (existing.value().empty()) {
          for (const auto& row : engine::WorkCalendar::builtin_rows()) {
            if (auto s = store.upsert_holiday(row); !s) return cli.fail(s.error());
            ++seeded;
          }
        }
        if (!tz->empty()) {
          if (auto z = engine::TimeZone::locate(*tz); !z) return cli.fail(z.error());
          if (auto s = store.set_setting(engine::kSettingTimeZone, *tz); !s) return cli.fail(s.error());
        }
        if (!rt->empty()) {
          if (auto s = store.set_setting(engine::kSettingReminderTime, *rt); !s) return cli.fail(s.error());
        }
        if (auto s = tx.commit(); !s) return cli.fail(s.error());
        if (auto s = cli.engine->load(); !s) return cli.fail(s.error());
        if (cli.json) {
          cli.print_json({{"db", storage::display_db(cli.db)}, {"timezone", cli.engine->zone().name()},
                          {"holidays_seeded", seeded}});
        } else {
          *cli.out << tr(cli.lang, "数据库已就绪：", "database ready: ") << storage::display_db(cli.db) << " ("
                   << cli.engine->zone().name() << ")\n";
          if (seeded)
            *cli.out << tr(cli.lang, "已载入法定节假日安排 2023–2026：", "loaded official holiday arrangements 2023-2026: ")
                     << seeded << tr(cli.lang, " 天\n", " days\n");
        }
        return 0;
      };
    });
  }

  // --- branch -------------------------------------------------------------------------------
  {
    auto* branch = app.add_subcommand("branch", tr(cli.lang, "党组织：党支部、党总支、基层党委", "organisations: 党支部, 党总支, 基层党委"));
    branch->require_subcommand(1);
    auto b = std::make_shared<engine::Branch>();
    auto* add = branch->add_subcommand("add", tr(cli.lang, "登记一个党组织", "register an organisation"));
    add->add_option("code", b->code, tr(cli.lang, "组织代码，如 B01", "short code, e.g. B01"))->required();
    add->add_option("--name", b->name, tr(cli.lang, "全称，如 第一党支部", "full name, e.g. 第一党支部"))->required();
    add->add_option("--kind", b->kind,
                    tr(cli.lang, "组织类别：党支部（branch，默认）、党总支（general）或基层党委（committee）",
                       "branch | general | committee, or 党支部 | 党总支 | 基层党委 (default branch)"));
    add->add_option("--parent", b->parent, tr(cli.lang, "上级党组织的代码", "code of the superior organisation"));
    add->callback([&cli, b] {
      cli.action = [&cli, b]() -> int {
        auto kind = match_choice(b->kind, kind_choices(), "--kind");
        if (!kind) return cli.fail(kind.error());
        b->kind = kind.value();
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        if (!b->parent.empty())
          if (auto s = check_branch_code(cli, b->parent, "--parent"); !s) return cli.fail(s.error());
        if (auto s = cli.engine->add_branch(*b); !s) return cli.fail(s.error());
        if (cli.json) cli.print_json(branch_json(*b));
        else *cli.out << tr(cli.lang, "已登记组织 ", "registered ") << b->code << " " << b->name << "\n";
        return 0;
      };
    });
    auto* list = branch->add_subcommand("list", tr(cli.lang, "列出党组织", "list organisations"));
    list->callback([&cli] {
      cli.action = [&cli]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        // With each organisation's full members and its size alerts (E1-E4, cli/org_status.hpp).
        auto rows = org_statuses(cli);
        if (!rows) return cli.fail(rows.error());
        if (cli.json) {
          Json arr = Json::array();
          for (const auto& r : rows.value()) {
            Json j = branch_json(r.branch);
            j["full_members"] = r.full_members;
            j["alerts"] = alerts_json(r, cli.lang);
            arr.push_back(j);
          }
          cli.print_json(arr);
          return 0;
        }
        Table t({tr(cli.lang, "代码", "code"), tr(cli.lang, "名称", "name"), tr(cli.lang, "类型", "kind"),
                 tr(cli.lang, "上级", "parent"), tr(cli.lang, "正式党员", "full members")});
        for (const auto& r : rows.value())
          t.add({r.branch.code, r.branch.name, kind_label(cli.lang, r.branch.kind), r.branch.parent,
                 std::to_string(r.full_members)});
        t.print(*cli.out);
        print_alerts(cli, rows.value(), *cli.out);
        return 0;
      };
    });
  }

  // --- person -------------------------------------------------------------------------------
  {
    auto* person = app.add_subcommand("person", tr(cli.lang, "人员：入党申请人、党员、培养联系人、入党介绍人", "people: applicants, members, mentors, sponsors"));
    person->require_subcommand(1);
    struct Args {
      engine::Person p;
      std::string born, status, joined, branch_filter, who;
      engine::PersonId id = 0;
    };
    auto a = std::make_shared<Args>();
    auto* add = person->add_subcommand("add", tr(cli.lang, "登记一名人员，输出其编号", "register a person; prints the new id"));
    add->add_option("name", a->p.name, tr(cli.lang, "姓名", "the person's name"))->required();
    add->add_option("--branch", a->p.branch, tr(cli.lang, "所在党组织的代码", "organisation code"))->required();
    add->add_option("--born", a->born, tr(cli.lang, "出生日期，格式 YYYY-MM-DD", "date of birth YYYY-MM-DD"))->required();
    add->add_option("--status", a->status,
                    tr(cli.lang, "已是党员的填政治面貌：正式党员（full）或预备党员（probationary）",
                       "full | probationary (正式党员 | 预备党员), for people who are already members"));
    add->add_option("--joined", a->joined, tr(cli.lang, "党员的入党日期（正式党员填转正日期）", "members: date of joining (full: the full-membership date)"));
    add->add_option("--key", a->p.key,
                    tr(cli.lang, "工号或其他唯一标识（全库唯一；同一组织有同名人员时必须给出）",
                       "staff number or another unique key (unique in the database; required to tell apart "
                       "two people of one name in one organisation)"));
    add->add_option("--phone", a->p.phone, tr(cli.lang, "手机号码", "mobile phone number"));
    add->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        if (auto s = check_branch_code(cli, a->p.branch, "--branch"); !s) return cli.fail(s.error());
        auto born = engine::Date::parse(a->born);
        if (!born) return cli.fail(Error::invalid({"--born 应为 YYYY-MM-DD：" + a->born, "--born must be YYYY-MM-DD, got " + a->born}));
        a->p.born = *born;
        if (!a->status.empty()) {
          auto st = match_choice(a->status, {{"full", {"正式党员", "full member"}}, {"probationary", {"预备党员", "probationary member"}}},
                                 "--status");
          if (!st) return cli.fail(st.error());
          a->p.status = *engine::member_status_from(st.value());
        }
        if (!a->joined.empty()) {
          auto j = engine::Date::parse(a->joined);
          if (!j) return cli.fail(Error::invalid({"--joined 应为 YYYY-MM-DD：" + a->joined, "--joined must be YYYY-MM-DD, got " + a->joined}));
          a->p.joined = *j;
        }
        if (a->p.status == engine::MemberStatus::Probationary && !a->p.joined)
          return cli.fail(Error::invalid({"预备党员须给出 --joined（接收为预备党员的日期），以计算预备期满和转正提醒",
                                          "a probationary member needs --joined (the admission date) for the end of probation and its reminders"}));
        // One transaction: the person and, for a probationary member, the development case in
        // probation (issue 9 §1: the 预备期满 and 转正 reminders exist from the start).
        engine::WriteTransaction tx(*cli.store);
        if (auto s = tx.begin(); !s) return cli.fail(s.error());
        auto id = cli.engine->add_person(a->p);
        if (!id) return cli.fail(id.error());
        a->p.id = id.value();
        auto started = ensure_probation_case(cli, a->p);
        if (!started) return cli.fail(started.error());
        if (auto s = tx.commit(); !s) return cli.fail(s.error());
        if (cli.json) cli.print_json({{"id", id.value()}});
        else *cli.out << id.value() << "\n";
        if (a->p.status == engine::MemberStatus::Full) warn_size_alerts(cli, a->p.branch);  // E1-E4, stderr
        return 0;
      };
    });
    auto* list = person->add_subcommand("list", tr(cli.lang, "列出人员", "list people"));
    list->add_option("--branch", a->branch_filter, tr(cli.lang, "只列本党组织", "only this organisation"));
    list->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        if (!a->branch_filter.empty())
          if (auto s = check_branch_code(cli, a->branch_filter, "--branch"); !s) return cli.fail(s.error());
        auto rows = cli.store->list_persons(a->branch_filter.empty() ? std::nullopt : std::optional(a->branch_filter));
        if (!rows) return cli.fail(rows.error());
        if (cli.json) {
          Json arr = Json::array();
          for (const auto& p : rows.value()) arr.push_back(person_json(p));
          cli.print_json(arr);
          return 0;
        }
        Table t({"ID", tr(cli.lang, "姓名", "name"), tr(cli.lang, "组织", "branch"), tr(cli.lang, "出生日期", "born"),
                 tr(cli.lang, "政治面貌", "status"), tr(cli.lang, "入党日期", "joined"),
                 tr(cli.lang, "工号", "key"), tr(cli.lang, "手机", "phone")});
        for (const auto& p : rows.value())
          t.add({std::to_string(p.id), p.name, p.branch, p.born.iso(), status_label(cli.lang, p.status),
                 p.joined ? p.joined->iso() : "", p.key, p.phone});
        t.print(*cli.out);
        return 0;
      };
    });
    auto* show = person->add_subcommand("show", tr(cli.lang, "查看一名人员及其办理中的事项", "show one person and their cases"));
    show->add_option("person", a->who, tr(cli.lang, "人员编号或姓名", "person id or name"))->required();
    show->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        auto who = resolve_person(cli, a->who);
        if (!who) return cli.fail(who.error());
        a->id = who.value();
        auto p = cli.store->find_person(a->id);
        if (!p) return cli.fail(p.error());
        if (!p.value())
          return cli.fail(Error::not_found({"人员不存在：" + std::to_string(a->id), "no person with id " + std::to_string(a->id)}));
        engine::CaseFilter f;
        f.person = a->id;
        auto cases = cli.store->list_cases(f);
        if (!cases) return cli.fail(cases.error());
        const auto& person_v = *p.value();
        if (cli.json) {
          Json j = person_json(person_v);
          Json arr = Json::array();
          for (const auto& c : cases.value())
            arr.push_back({{"id", c.id}, {"workflow", c.workflow}, {"state", c.state}});
          j["cases"] = arr;
          auto changes = person_changes_json(cli, a->id);
          if (!changes) return cli.fail(changes.error());
          j["changes"] = changes.value();
          cli.print_json(j);
          return 0;
        }
        auto& o = *cli.out;
        o << person_v.name << " (#" << person_v.id << ")\n";
        o << tr(cli.lang, "组织：", "branch: ") << person_v.branch << "\n";
        o << tr(cli.lang, "出生日期：", "born: ") << person_v.born.iso() << "\n";
        o << tr(cli.lang, "政治面貌：", "status: ") << status_label(cli.lang, person_v.status);
        if (person_v.joined) o << " (" << tr(cli.lang, "自 ", "since ") << person_v.joined->iso() << ")";
        o << "\n";
        if (!person_v.key.empty()) o << tr(cli.lang, "工号：", "key: ") << person_v.key << "\n";
        if (!person_v.phone.empty()) o << tr(cli.lang, "手机：", "phone: ") << person_v.phone << "\n";
        for (const auto& c : cases.value()) {
          const auto* wf = cli.workflows->find(c.workflow);
          o << tr(cli.lang, "事项 #", "case #") << c.id << "  " << (wf ? tr(cli.lang, wf->title()) : c.workflow)
            << "  " << (wf ? tr(cli.lang, wf->state_label(c.state)) : c.state) << "\n";
        }
        print_person_changes(cli, a->id, o);
        return 0;
      };
    });
  }

  // --- config -------------------------------------------------------------------------------
  {
    auto* config = app.add_subcommand("config", tr(cli.lang, "设置：时区 timezone、提醒时刻 reminder.time、归档天数 member.archive_days 等", "settings: timezone, reminder.time, member.archive_days, ..."));
    config->require_subcommand(1);
    auto kv = std::make_shared<std::pair<std::string, std::string>>();
    auto* get = config->add_subcommand("list", tr(cli.lang, "列出全部设置", "show all settings"));
    get->callback([&cli] {
      cli.action = [&cli]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        auto all = cli.store->all_settings();
        if (!all) return cli.fail(all.error());
        // Every known setting with its value (the stored one, else the default) and its default.
        Json j = Json::object();
        Table t({tr(cli.lang, "设置", "key"), tr(cli.lang, "值", "value"), tr(cli.lang, "默认值", "default"),
                 tr(cli.lang, "已设置", "set")});
        for (const auto& spec : engine::setting_specs()) {
          auto it = all.value().find(spec.key);
          const bool set = it != all.value().end();
          const std::string value = set ? it->second : spec.fallback;
          j[spec.key] = {{"value", value}, {"default", spec.fallback}, {"set", set}};
          t.add({spec.key, value, spec.fallback, set ? tr(cli.lang, "是", "yes") : ""});
        }
        for (const auto& [k, v] : all.value()) {
          if (j.contains(k)) continue;  // a stored key djflow does not know (ignored, I14)
          j[k] = {{"value", v}, {"default", nullptr}, {"set", true}};
          t.add({k, v, "", tr(cli.lang, "未知设置（已忽略）", "unknown (ignored)")});
        }
        if (cli.json) cli.print_json(j);
        else t.print(*cli.out);
        return 0;
      };
    });
    auto* set = config->add_subcommand("set", tr(cli.lang, "修改一项设置", "change a setting"));
    set->add_option("key", kv->first, tr(cli.lang, "设置项名称", "setting name"))->required();
    set->add_option("value", kv->second, tr(cli.lang, "新值", "new value"))->required();
    set->callback([&cli, kv] {
      cli.action = [&cli, kv]() -> int {
        // Type and range first (engine/settings.hpp): a bad value or an unknown key stores nothing.
        if (auto s = engine::validate_setting(kv->first, kv->second); !s) return cli.fail(s.error());
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        engine::WriteTransaction tx(*cli.store);
        if (auto s = tx.begin(); !s) return cli.fail(s.error());
        if (auto s = cli.store->set_setting(kv->first, kv->second); !s) return cli.fail(s.error());
        // Validate by loading the engine with the new value before committing.
        if (auto s = cli.engine->load(); !s) return cli.fail(s.error());
        if (auto s = tx.commit(); !s) return cli.fail(s.error());
        if (cli.json) cli.print_json({{kv->first, kv->second}});
        else *cli.out << kv->first << " = " << kv->second << "\n";
        return 0;
      };
    });
  }

  // --- calendar -----------------------------------------------------------------------------
  {
    auto* cal = app.add_subcommand("calendar", tr(cli.lang, "工作日历（法定节假日和调休上班日）", "the working-day calendar (holidays and make-up working days)"));
    cal->require_subcommand(1);
    auto year = std::make_shared<int>(0);
    auto file = std::make_shared<std::string>();
    auto* list = cal->add_subcommand("list", tr(cli.lang, "列出放假日和调休上班日", "list days off and make-up working days"));
    list->add_option("--year", *year, tr(cli.lang, "只列这一年", "only this year"));
    list->callback([&cli, year] {
      cli.action = [&cli, year]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        auto rows = cli.store->holidays();
        if (!rows) return cli.fail(rows.error());
        Json arr = Json::array();
        Table t({tr(cli.lang, "日期", "date"), tr(cli.lang, "类型", "kind"), tr(cli.lang, "名称", "name")});
        for (const auto& r : rows.value()) {
          if (*year && r.date.year() != *year) continue;
          arr.push_back({{"date", r.date.iso()}, {"kind", r.day_off ? "off" : "work"}, {"name", r.name}});
          t.add({r.date.iso(), r.day_off ? tr(cli.lang, "放假", "off") : tr(cli.lang, "调休上班", "work"), r.name});
        }
        if (cli.json) cli.print_json(arr);
        else t.print(*cli.out);
        if (*year && !cli.engine->calendar().covers(engine::Date(*year, 1, 1)) && !cli.json)
          *cli.err << tr(cli.lang, "警告：没有该年度的节假日数据，仅按周末计算\n",
                         "warning: no holiday data for that year; only weekends count as days off\n");
        return 0;
      };
    });
    auto* import = cal->add_subcommand("import", tr(cli.lang, "从 CSV 文件导入或替换日期（列：date,kind,name）", "add or replace days from a CSV file (date,kind,name)"));
    import->add_option("file", *file, tr(cli.lang, "CSV 文件，格式同 data/holidays-cn.csv", "CSV file, same format as data/holidays-cn.csv"))->required();
    import->callback([&cli, file] {
      cli.action = [&cli, file]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        std::error_code ec;
        if (std::filesystem::is_directory(*file, ec))
          return cli.fail(Error::invalid({"日历文件是一个目录：" + *file, "the calendar file is a directory: " + *file}));
        std::ifstream in(*file, std::ios::binary);
        if (!in)
          return cli.fail(Error::not_found({"无法读取文件：" + *file, "cannot read " + *file}));
        std::stringstream ss;
        ss << in.rdbuf();
        auto rows = engine::WorkCalendar::parse_csv(ss.str());
        if (!rows) return cli.fail(rows.error());
        engine::WriteTransaction tx(*cli.store);
        if (auto s = tx.begin(); !s) return cli.fail(s.error());
        for (const auto& r : rows.value())
          if (auto s = cli.store->upsert_holiday(r); !s) return cli.fail(s.error());
        if (auto s = tx.commit(); !s) return cli.fail(s.error());
        if (cli.json) cli.print_json({{"imported", rows.value().size()}});
        else *cli.out << tr(cli.lang, "已导入 ", "imported ") << rows.value().size() << tr(cli.lang, " 天\n", " days\n");
        return 0;
      };
    });
  }
}

}  // namespace djflow::cli
