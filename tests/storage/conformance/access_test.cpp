// Conformance (issue 12 §2): who may use the web workbench (users, sessions, API tokens) and the
// stored answers of idempotent writes, on the backend DJFLOW_TEST_DB names.
#include <catch2/catch.hpp>

#include "storage/conformance/seed.hpp"
#include "support/test_db.hpp"

using namespace djflow;
using engine::ErrorCode;
using storage::test::at;
using storage::test::must;
using storage::test::seed_branch;

TEST_CASE("conformance: web users, sessions, tokens and idempotent answers", "[conformance][access]") {
  storage::test::TestDb db;
  auto s = db.open();
  seed_branch(*s, "C1");
  seed_branch(*s, "B1", "C1");
  engine::User u;
  u.name = "zhangsan";
  u.org = "B1";
  u.role = engine::Role::Secretary;
  u.password_hash = "pbkdf2-sha256$600000$salt$hash";
  u.created_at = at(1770000000);
  u.id = must(s->insert_user(u));
  CHECK(s->insert_user(u).error().code == ErrorCode::Conflict);
  auto lost = u;
  lost.name = "lisi";
  lost.org = "X9";
  CHECK(s->insert_user(lost).error().code == ErrorCode::NotFound);
  auto admin = u;
  admin.name = "admin";
  admin.org = "C1";
  admin.role = engine::Role::Admin;
  admin.id = must(s->insert_user(admin));

  const auto found = must(s->find_user("zhangsan"));
  REQUIRE(found.has_value());
  CHECK(found->id == u.id);
  CHECK(found->role == engine::Role::Secretary);
  CHECK(found->active);
  CHECK(must(s->find_user_by_id(admin.id))->name == "admin");
  CHECK_FALSE(must(s->find_user("nobody")).has_value());
  const auto users = must(s->list_users());
  REQUIRE(users.size() == 2);
  CHECK(users[0].org == "B1");  // by organisation code, then name
  u.active = false;
  u.role = engine::Role::Viewer;
  must(s->update_user(u));
  CHECK_FALSE(must(s->find_user("zhangsan"))->active);
  auto ghost = u;
  ghost.id = 9999;
  CHECK(s->update_user(ghost).error().code == ErrorCode::NotFound);

  engine::Session x;
  x.token_hash = "aa11";
  x.user_id = u.id;
  x.csrf = "csrf";
  x.created_at = at(1770000000);
  x.expires_at = at(1770003600);
  must(s->insert_session(x));
  x.token_hash = "bb22";
  must(s->insert_session(x));
  CHECK_FALSE(must(s->find_session("aa11"))->revoked);
  must(s->revoke_session("aa11"));
  CHECK(must(s->find_session("aa11"))->revoked);
  CHECK_FALSE(must(s->find_session("bb22"))->revoked);
  must(s->revoke_sessions_of(u.id));
  CHECK(must(s->find_session("bb22"))->revoked);
  CHECK_FALSE(must(s->find_session("cc33")).has_value());

  engine::ApiToken t;
  t.token_hash = "tok1";
  t.user_id = admin.id;
  t.label = "报表";
  t.expires_at = at(1800000000);
  t.created_at = at(1770000000);
  const auto tid = must(s->insert_token(t));
  const auto tok = must(s->find_token("tok1"));
  REQUIRE(tok.has_value());
  CHECK(tok->id == tid);
  CHECK(tok->label == "报表");
  CHECK(tok->expires_at == at(1800000000));

  // A token or session with its user in one read: the rows as they are (revoked, expired and
  // inactive are the caller's to refuse); nothing for an unknown hash.
  {
    const auto tu = must(s->find_token_user("tok1"));
    REQUIRE(tu.has_value());
    CHECK(tu->token.id == tid);
    CHECK(tu->token.token_hash == "tok1");
    CHECK(tu->token.user_id == admin.id);
    CHECK(tu->token.label == "报表");
    CHECK(tu->token.expires_at == at(1800000000));
    CHECK(tu->token.created_at == at(1770000000));
    CHECK_FALSE(tu->token.revoked);
    CHECK(tu->user.id == admin.id);
    CHECK(tu->user.name == "admin");
    CHECK(tu->user.org == "C1");
    CHECK(tu->user.role == engine::Role::Admin);
    CHECK(tu->user.password_hash == admin.password_hash);
    CHECK(tu->user.active);
    CHECK(tu->user.created_at == at(1770000000));
    CHECK_FALSE(must(s->find_token_user("tok2")).has_value());
    CHECK_FALSE(must(s->find_token_user("aa11")).has_value());  // a session's hash is no token
    const auto su = must(s->find_session_user("aa11"));
    REQUIRE(su.has_value());
    CHECK(su->session.token_hash == "aa11");
    CHECK(su->session.user_id == u.id);
    CHECK(su->session.csrf == "csrf");
    CHECK(su->session.created_at == at(1770000000));
    CHECK(su->session.expires_at == at(1770003600));
    CHECK(su->session.revoked);
    CHECK(su->user.name == "zhangsan");
    CHECK(su->user.role == engine::Role::Viewer);
    CHECK_FALSE(su->user.active);
    CHECK_FALSE(must(s->find_session_user("tok1")).has_value());
    CHECK_FALSE(must(s->find_session_user("cc33")).has_value());
  }

  const engine::AccessStore::StoredAnswer a{"digest", 201, R"({"id":1})"};
  CHECK_FALSE(must(s->find_answer(u.id, "key-1")).has_value());
  must(s->insert_answer(u.id, "key-1", a, at(1770000000)));
  CHECK(s->insert_answer(u.id, "key-1", a, at(1770000001)).error().code == ErrorCode::Conflict);
  const auto got = must(s->find_answer(u.id, "key-1"));
  REQUIRE(got.has_value());
  CHECK(got->status == 201);
  CHECK(got->body == R"({"id":1})");

  // Users and tokens are in the entity history (hashes only), sessions are not.
  CHECK(must(s->entity_history("user", std::to_string(u.id))).size() == 2);
  const auto th = must(s->entity_history("api-token", std::to_string(tid)));
  REQUIRE(th.size() == 1);
  CHECK(th[0].data.find("tok1") == std::string::npos);
  CHECK(must(s->check_entities()).problems.empty());
}
