#include <catch2/catch.hpp>

#include "engine/settings.hpp"
#include "engine/utf8.hpp"

using namespace djflow::engine;

TEST_CASE("strict UTF-8: overlongs, surrogates, out-of-range and truncated sequences are invalid", "[engine][utf8]") {
  CHECK(utf8::valid(""));
  CHECK(utf8::valid("plain ascii \x7f"));
  CHECK(utf8::valid("第一党支部 é 😀 \xef\xbf\xbd"));
  CHECK(utf8::valid("\xf4\x8f\xbf\xbf"));                // U+10FFFF
  CHECK_FALSE(utf8::valid("\xff"));
  CHECK_FALSE(utf8::valid("bad\xc3\x28"));
  CHECK_FALSE(utf8::valid("\xc0\xaf"));                  // overlong '/'
  CHECK_FALSE(utf8::valid("\xe0\x80\xaf"));              // overlong, three bytes
  CHECK_FALSE(utf8::valid("\xed\xa0\x80"));              // surrogate U+D800
  CHECK_FALSE(utf8::valid("\xf4\x90\x80\x80"));          // above U+10FFFF
  CHECK_FALSE(utf8::valid("\xe4\xb8"));                  // truncated
  CHECK(utf8::first_invalid("ab\xffz") == std::optional<std::size_t>(2));
}

TEST_CASE("replace_invalid and next never stall and keep valid text", "[engine][utf8]") {
  CHECK(utf8::replace_invalid("中文") == "中文");
  CHECK(utf8::replace_invalid("a\xff\xfe" "b") == "a\xef\xbf\xbd\xef\xbf\xbd" "b");
  // One U+FFFD per maximal subpart (Unicode §3.9), as nlohmann's replace mode writes them.
  CHECK(utf8::replace_invalid("\xe4\xb8z") == "\xef\xbf\xbdz");
  CHECK(utf8::replace_invalid("\xed\xa0\x80") == "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // ED A0: no prefix
  CHECK(utf8::replace_invalid("a\xc3\x28") == "a\xef\xbf\xbd(");
  std::size_t i = 0;
  const std::string s = "\xe4\xb8";
  CHECK(utf8::next(s, i) == U'\uFFFD');
  CHECK(i == 2);
  i = 0;
  CHECK(utf8::next("中", i) == U'中');
  CHECK(i == 3);
}

TEST_CASE("check_text names the input and says what is wrong, in both languages", "[engine][utf8]") {
  CHECK(utf8::check_text("正常的文字", "--note").ok());
  auto bad = utf8::check_text("x\xff", Text{"备注", "--note"});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::InvalidInput);
  CHECK(bad.error().message.en.find("--note is not valid UTF-8") != std::string::npos);
  CHECK(bad.error().message.en.find("x\\xFF") != std::string::npos);
  CHECK(bad.error().message.zh.find("备注 不是有效的 UTF-8") != std::string::npos);
  CHECK(utf8::check_text(std::string("a\0b", 3), "name").error().message.en.find("NUL") != std::string::npos);
  CHECK(utf8::check_text(std::string(11, 'x'), "name", 10).error().message.en.find("too long") != std::string::npos);
}

TEST_CASE("settings are validated by type and range", "[engine][settings]") {
  CHECK(validate_setting("reminder.time", "08:30").ok());
  CHECK_FALSE(validate_setting("reminder.time", "24:61").ok());
  CHECK_FALSE(validate_setting("reminder.time", "8:30").ok());
  CHECK(validate_setting("election.lead_months", "4, 2,1").ok());
  CHECK_FALSE(validate_setting("election.lead_months", "x,y").ok());
  CHECK_FALSE(validate_setting("election.lead_months", "25").ok());
  CHECK_FALSE(validate_setting("member.archive_days", "-5").ok());
  CHECK_FALSE(validate_setting("member.archive_days", "+5").ok());
  CHECK(validate_setting("rectify.progress_days", "0").ok());
  CHECK_FALSE(validate_setting("rectify.immediate_days", "-10").ok());
  CHECK(validate_setting("election.majority", "present").ok());
  CHECK_FALSE(validate_setting("election.majority", "present ").ok());
  CHECK(validate_setting("timezone", "Europe/Berlin").ok());
  auto unknown = validate_setting("rectify.progres_days", "10");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().message.en.find("did you mean rectify.progress_days") != std::string::npos);
  CHECK(validate_setting("zzz", "1").error().message.en.find("known:") != std::string::npos);

  const auto stored = check_stored_settings({{"reminder.time", "24:61"}, {"member.archive_days", "10"}, {"nope", "x"}});
  CHECK(stored.usable == std::map<std::string, std::string>{{"member.archive_days", "10"}});
  REQUIRE(stored.warnings.size() == 2);
  CHECK(stored.warnings[1].en.find("09:00") != std::string::npos);
}
