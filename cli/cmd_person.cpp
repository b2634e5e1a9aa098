// People's own history (issue 9 §2): person edit, person transfer, person history. Registered on
// the `person` command of cmd_admin.cpp.
#include <nlohmann/json.hpp>

#include "cli/app.hpp"
#include "cli/people.hpp"
#include "cli/resolve.hpp"

namespace djflow::cli {

using engine::Error;

namespace {

// One change of a person: the entity event's image, with what changed since the one before.
Json change_json(const engine::EntityEvent& e, const Json& before, const Json& image) {
  Json changed = Json::object();
  for (const auto& [k, v] : image.items())
    if (k != "change_reason" && (!before.contains(k) || before[k] != v)) changed[k] = v;
  for (const auto& [k, v] : before.items())
    if (k != "change_reason" && !image.contains(k)) changed[k] = nullptr;
  return {{"seq", e.seq},
          {"action", e.action},
          {"actor", e.actor},
          {"recorded_at", engine::format_utc(e.recorded_at)},
          {"reason", image.contains("change_reason") ? image["change_reason"] : Json(nullptr)},
          {"changed", changed}};
}

engine::Result<Json> person_changes(Cli& cli, engine::PersonId id) {
  auto events = cli.store->entity_history("person", std::to_string(id));
  if (!events) return events.error();
  Json arr = Json::array();
  Json before = Json::object();
  for (const auto& e : events.value()) {
    Json image = Json::parse(e.data, nullptr, false);
    if (!image.is_object()) image = Json::object();
    Json c = change_json(e, before, image);
    c["recorded_local"] = cli.engine->zone().local_datetime(e.recorded_at);
    // The first image is the registration: no reason of its own.
    if (e.action == "insert" || e.action == "genesis") c["reason"] = nullptr;
    arr.push_back(std::move(c));
    before = std::move(image);
  }
  return arr;
}

}  // namespace

// Prints the person's history of changes (person show, person history).
void print_person_changes(Cli& cli, engine::PersonId id, std::ostream& o) {
  auto changes = person_changes(cli, id);
  if (!changes) return;
  const Lang l = cli.lang;
  o << tr(l, "变更记录：", "changes:") << "\n";
  Table t({tr(l, "记录于", "recorded"), tr(l, "记录人", "actor"), tr(l, "变更", "change"), tr(l, "理由", "reason")});
  for (const auto& c : changes.value()) {
    std::string what;
    if (c["action"] == "insert" || c["action"] == "genesis") what = tr(l, "登记", "registered");
    else
      for (const auto& [k, v] : c["changed"].items())
        what += (what.empty() ? "" : "; ") + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
    t.add({c["recorded_local"].get<std::string>(), c["actor"].get<std::string>(), what,
           c["reason"].is_string() ? c["reason"].get<std::string>() : ""});
  }
  t.print(o, "  ");
}

engine::Result<Json> person_changes_json(Cli& cli, engine::PersonId id) { return person_changes(cli, id); }

void register_person_commands(CLI::App& app, Cli& cli) {
  auto* person = app.get_subcommand("person");
  const Lang l = cli.lang;
  struct Args {
    std::string who, name, born, branch, phone, key, status, joined, reason, to, date;
    bool clear_key = false, clear_phone = false;
  };
  auto a = std::make_shared<Args>();

  auto* edit = person->add_subcommand(
      "edit", tr(l, "修改人员信息（须说明理由；保留每次修改的记录）", "change a person's details (with a reason; every change is kept)"));
  edit->add_option("person", a->who, tr(l, "人员编号或姓名", "person id or name"))->required();
  edit->add_option("--name", a->name, tr(l, "姓名", "name"));
  edit->add_option("--born", a->born, tr(l, "出生日期 YYYY-MM-DD", "date of birth YYYY-MM-DD"));
  edit->add_option("--phone", a->phone, tr(l, "手机号码（空字符串清除）", "mobile phone (\"\" clears it)"));
  edit->add_option("--key", a->key, tr(l, "工号或其他唯一标识（空字符串清除）", "staff number or another unique key (\"\" clears it)"));
  edit->add_option("--status", a->status,
                   tr(l, "政治面貌：正式党员 full、预备党员 probationary、群众 none（登记有误时更正）",
                      "full | probationary | none (to correct a registration)"));
  edit->add_option("--joined", a->joined, tr(l, "入党日期 YYYY-MM-DD", "joining date YYYY-MM-DD"));
  edit->add_option("--branch", a->branch, tr(l, "所在组织（转接请用 person transfer）", "organisation (use person transfer to move)"));
  edit->add_option("--reason", a->reason, tr(l, "修改理由（必填）", "why (required)"))->required();
  edit->callback([&cli, a, edit] {
    cli.action = [&cli, a, edit]() -> int {
      if (auto s = cli.open(); !s) return cli.fail(s.error());
      auto id = resolve_person(cli, a->who);
      if (!id) return cli.fail(id.error());
      auto found = cli.store->find_person(id.value());
      if (!found) return cli.fail(found.error());
      if (!found.value())
        return cli.fail(Error::not_found({"人员不存在：" + a->who, "no person " + a->who}));
      engine::Person p = *found.value();
      if (edit->count("--name")) p.name = a->name;
      if (edit->count("--phone")) p.phone = a->phone;
      if (edit->count("--key")) p.key = a->key;
      if (edit->count("--branch")) p.branch = a->branch;
      if (edit->count("--born")) {
        auto d = cli.date_arg(a->born, "--born");
        if (!d) return cli.fail(d.error());
        p.born = d.value();
      }
      if (edit->count("--status")) {
        auto s = match_choice(a->status, {{"full", {"正式党员", "full member"}},
                                          {"probationary", {"预备党员", "probationary member"}},
                                          {"none", {"群众", "not a member"}, {"非党员"}}},
                              "--status");
        if (!s) return cli.fail(s.error());
        p.status = *engine::member_status_from(s.value());
        if (p.status == engine::MemberStatus::None) p.joined.reset();
      }
      if (edit->count("--joined")) {
        auto d = cli.date_arg(a->joined, "--joined");
        if (!d) return cli.fail(d.error());
        p.joined = d.value();
      }
      if (auto s = cli.engine->edit_person(p, a->reason); !s) return cli.fail(s.error());
      if (cli.json) cli.print_json({{"id", p.id}, {"name", p.name}, {"reason", a->reason}});
      else *cli.out << tr(cli.lang, "已修改人员 #", "updated person #") << p.id << " " << p.name << "\n";
      return 0;
    };
  });

  auto* transfer = person->add_subcommand(
      "transfer", tr(l, "组织关系转接：人员及其进行中的事项转到另一组织", "move a person and their open cases to another organisation (组织关系转接)"));
  transfer->add_option("person", a->who, tr(l, "人员编号或姓名", "person id or name"))->required();
  transfer->add_option("--to", a->to, tr(l, "转入组织代码", "code of the receiving organisation"))->required();
  transfer->add_option("--date", a->date, tr(l, "转接日期 YYYY-MM-DD（默认今天）", "date of the transfer YYYY-MM-DD (default today)"));
  transfer->add_option("--reason", a->reason, tr(l, "理由或介绍信编号", "reason or transfer letter number"));
  transfer->callback([&cli, a] {
    cli.action = [&cli, a]() -> int {
      if (auto s = cli.open(); !s) return cli.fail(s.error());
      auto id = resolve_person(cli, a->who);
      if (!id) return cli.fail(id.error());
      if (auto s = check_branch_code(cli, a->to, "--to"); !s) return cli.fail(s.error());
      auto date = cli.date_arg(a->date, "--date");
      if (!date) return cli.fail(date.error());
      auto moved = cli.engine->transfer_person(id.value(), a->to, date.value(), a->reason);
      if (!moved) return cli.fail(moved.error());
      if (cli.json) {
        cli.print_json({{"id", id.value()}, {"to", a->to}, {"date", date->iso()}, {"cases", moved.value()}});
        return 0;
      }
      *cli.out << tr(cli.lang, "已转接人员 #", "transferred person #") << id.value() << " → " << a->to;
      if (!moved->empty()) {
        *cli.out << tr(cli.lang, "，随转事项：", ", with cases:");
        for (auto c : moved.value()) *cli.out << " #" << c;
      }
      *cli.out << "\n";
      return 0;
    };
  });

  auto* hist = person->add_subcommand("history", tr(l, "人员信息的变更记录（谁、何时、为何）", "a person's changes: who, when, why"));
  hist->add_option("person", a->who, tr(l, "人员编号或姓名", "person id or name"))->required();
  hist->callback([&cli, a] {
    cli.action = [&cli, a]() -> int {
      if (auto s = cli.open(); !s) return cli.fail(s.error());
      auto id = resolve_person(cli, a->who);
      if (!id) return cli.fail(id.error());
      auto found = cli.store->find_person(id.value());
      if (!found) return cli.fail(found.error());
      if (!found.value()) return cli.fail(Error::not_found({"人员不存在：" + a->who, "no person " + a->who}));
      if (cli.json) {
        auto changes = person_changes(cli, id.value());
        if (!changes) return cli.fail(changes.error());
        cli.print_json(changes.value());
        return 0;
      }
      *cli.out << found.value()->name << " (#" << id.value() << ")\n";
      print_person_changes(cli, id.value(), *cli.out);
      return 0;
    };
  });
}

}  // namespace djflow::cli
