// Issue 9 §2: persons carry an optional unique key (工号) and a mobile phone; two people of one
// name in one organisation must be told apart by a key.
#include <catch2/catch.hpp>

#include "support/cli_runner.hpp"

using djflow::testing::Djflow;

namespace {

void seed(const Djflow& d) {
  REQUIRE(d.run({"init"}).code == 0);
  REQUIRE(d.run({"branch", "add", "B01", "--name", "第一党支部"}).code == 0);
  REQUIRE(d.run({"branch", "add", "B02", "--name", "第二党支部"}).code == 0);
}

}  // namespace

TEST_CASE("person add keeps the unique key and the phone, shown by person show and list", "[cli][person]") {
  Djflow d;
  seed(d);
  auto r = d.run({"person", "add", "张三", "--branch", "B01", "--born", "1990-01-01", "--key", "GH001", "--phone",
                  "13800000001"});
  REQUIRE(r.code == 0);
  auto s = d.run({"--json", "person", "show", "1"});
  REQUIRE(s.code == 0);
  CHECK(s.json()["key"] == "GH001");
  CHECK(s.json()["phone"] == "13800000001");
  auto text = d.run({"--lang", "zh", "person", "show", "1"});
  CHECK(text.out.find("工号：GH001") != std::string::npos);
  CHECK(text.out.find("手机：13800000001") != std::string::npos);
  auto l = d.run({"--json", "person", "list"});
  REQUIRE(l.code == 0);
  CHECK(l.json()[0]["key"] == "GH001");
  auto plain = d.run({"person", "add", "李四", "--branch", "B01", "--born", "1990-01-01"});
  REQUIRE(plain.code == 0);
  CHECK(d.run({"--json", "person", "show", "2"}).json()["key"].is_null());
  CHECK(d.run({"verify"}).code == 0);
}

TEST_CASE("a duplicate name in one organisation is refused unless a key tells them apart", "[cli][person]") {
  Djflow d;
  seed(d);
  REQUIRE(d.run({"person", "add", "王五", "--branch", "B01", "--born", "1980-02-02"}).code == 0);
  auto dup = d.run({"--lang", "zh", "person", "add", "王五", "--branch", "B01", "--born", "1985-03-03"});
  CHECK(dup.code == 2);
  CHECK(dup.err.find("#1 王五 (1980-02-02)") != std::string::npos);
  CHECK(dup.err.find("--key") != std::string::npos);
  CHECK(d.run({"--json", "person", "list"}).json().size() == 1);  // nothing written
  // Another organisation may have its own 王五.
  CHECK(d.run({"person", "add", "王五", "--branch", "B02", "--born", "1985-03-03"}).code == 0);
  // A key tells them apart.
  CHECK(d.run({"person", "add", "王五", "--branch", "B01", "--born", "1985-03-03", "--key", "GH7"}).code == 0);
  // A key is unique in the whole database.
  auto taken = d.run({"person", "add", "赵六", "--branch", "B02", "--born", "1985-03-03", "--key", "GH7"});
  CHECK(taken.code == 2);
  CHECK(taken.err.find("GH7") != std::string::npos);
  CHECK(d.run({"--json", "person", "list"}).json().size() == 3);
  auto phone = d.run({"person", "add", "孙七", "--branch", "B02", "--born", "1985-03-03", "--phone", "abc"});
  CHECK(phone.code == 2);
  CHECK(d.run({"verify"}).code == 0);
}

TEST_CASE("verify sees a person's key or phone changed behind djflow's back", "[cli][person][verify]") {
  Djflow d;
  seed(d);
  REQUIRE(d.run({"person", "add", "张三", "--branch", "B01", "--born", "1990-01-01", "--key", "GH001"}).code == 0);
  REQUIRE(d.run({"person", "add", "李四", "--branch", "B01", "--born", "1990-01-01"}).code == 0);
  REQUIRE(d.run({"verify"}).code == 0);
  REQUIRE(Djflow::sh("python3 -c \"import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
                     "c.execute('UPDATE persons SET key = ? WHERE id = 1', ('GH999',)); "
                     "c.execute('UPDATE persons SET phone = ? WHERE id = 2', ('139',)); c.commit()\" " +
                     djflow::testing::shell_quote(d.db())) == 0);
  auto v = d.run({"verify"});
  CHECK(v.code == 4);
  CHECK(v.out.find("person 1 changed") != std::string::npos);
  CHECK(v.out.find("person 2 changed") != std::string::npos);
}
