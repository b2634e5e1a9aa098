// The cell parsers of `djflow import` (cli/import_table.hpp) and the CSV reader (sheet/).
#include <catch2/catch.hpp>

#include "cli/import_table.hpp"
#include "sheet/sheet.hpp"

using djflow::cli::parse_sheet_date;
using djflow::cli::split_names;

TEST_CASE("sheet dates in four spellings and Excel serials", "[import][unit]") {
  for (const char* s : {"2023-03-01", "2023/3/1", "2023年3月1日", "2023.3.1", "44986", "44986.0", " 2023-03-01 ",
                        "2023-03-01 00:00:00", "2023年03月01日"}) {
    INFO(s);
    REQUIRE(parse_sheet_date(s));
    CHECK(parse_sheet_date(s)->iso() == "2023-03-01");
  }
  for (const char* s : {"2023-02-30", "2023/13/1", "23-3-1", "2023-3", "三月一日", "", "1e5", "44986.5", "2023-03-01 08:00",
                        "-5", "2023--1"}) {
    INFO(s);
    CHECK_FALSE(parse_sheet_date(s));
  }
}

TEST_CASE("names split on Chinese and ASCII separators", "[import][unit]") {
  CHECK(split_names("张三、李四") == std::vector<std::string>{"张三", "李四"});
  CHECK(split_names(" 张三，李四;王五 ") == std::vector<std::string>{"张三", "李四", "王五"});
  CHECK(split_names("").empty());
}

TEST_CASE("CSV: BOM, quotes, line breaks inside quotes, CRLF, an unclosed quote", "[import][unit]") {
  auto r = djflow::sheet::parse_csv("\xEF\xBB\xBF" "a,\"b,\"\"c\"\"\"\r\n\"x\ny\",\r\nlast");
  REQUIRE(r);
  REQUIRE(r->size() == 3);
  CHECK((*r)[0] == std::vector<std::string>{"a", "b,\"c\""});
  CHECK((*r)[1] == std::vector<std::string>{"x\ny", ""});
  CHECK((*r)[2] == std::vector<std::string>{"last"});
  CHECK_FALSE(djflow::sheet::parse_csv("a,\"b\n"));
  CHECK(djflow::sheet::to_csv({"h"}, {{"a,b"}}) == "\xEF\xBB\xBFh\r\n\"a,b\"\r\n");
}
