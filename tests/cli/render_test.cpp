#include <catch2/catch.hpp>

#include <sstream>

#include "cli/render.hpp"

using namespace djflow::cli;

TEST_CASE("Chinese characters take two terminal columns", "[cli][render]") {
  CHECK(display_width("abc") == 3);
  CHECK(display_width("张三") == 4);
  CHECK(display_width("第一党支部") == 10);
  CHECK(display_width("（中文括号）") == 12);
  CHECK(display_width("A张") == 3);
  CHECK(display_width("") == 0);
}

TEST_CASE("tables align columns that mix Chinese and ASCII", "[cli][render]") {
  Table t({"ID", "姓名", "status"});
  t.add({"1", "张三", "ok"});
  t.add({"22", "欧阳小明", "overdue"});
  std::ostringstream out;
  t.print(out);
  std::istringstream lines(out.str());
  std::string line;
  std::vector<std::string> rows;
  while (std::getline(lines, line)) rows.push_back(line);
  REQUIRE(rows.size() == 4);
  // The third column starts at the same display column on every row.
  auto col3 = [](const std::string& row, const std::string& cell) {
    return display_width(row.substr(0, row.find(cell)));
  };
  CHECK(col3(rows[0], "status") == col3(rows[2], "ok"));
  CHECK(col3(rows[2], "ok") == col3(rows[3], "overdue"));
}

TEST_CASE("days-left texts speak both languages", "[cli][render]") {
  CHECK(days_left_text(djflow::engine::Lang::Zh, 3, false) == "还有 3 天");
  CHECK(days_left_text(djflow::engine::Lang::En, -1, false) == "overdue by 1 day");
  CHECK(days_left_text(djflow::engine::Lang::En, 0, false) == "due today");
  CHECK(days_left_text(djflow::engine::Lang::Zh, -2, false) == "逾期 2 天");
}
