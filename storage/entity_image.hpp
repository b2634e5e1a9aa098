// Internal to storage/: the backend-neutral half of the entity history (table entity_events,
// issue 7): which rows are tracked and how their image is written, and the check that replays the
// chain and compares every row with its last image. Each backend reads its own rows into Cells
// (entity_log.cpp: SQLite; pg_entity_log.cpp: PostgreSQL), so that both write the same image
// bytes for the same row and report the same problems. docs/storage_format.md, "entity_events".
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/entity_log.hpp"

namespace djflow::storage::detail {

struct EntityColumn {
  const char* name;
  bool hashed = false;  // the image keeps SHA-256 of the value (secrets, long texts)
  // A column added after the table's first image (migration 8: persons.key, phone,
  // change_reason): left out of the image while NULL, so the images written before it existed
  // still equal the rows' images, and the genesis of migration 7 needs no column it lacks.
  bool later = false;
};

struct Tracked {
  const char* entity;  // name in entity_events and in problems
  const char* table;
  const char* key;     // primary key column
  std::vector<EntityColumn> cols;
};

// What verify covers through the entity history, in check order.
const std::vector<Tracked>& tracked_entities();
const Tracked* find_tracked(std::string_view entity);
// "a, b, c": t's columns for a SELECT.
std::string column_list(const Tracked& t);

// One stored value as its backend holds it.
struct Cell {
  enum class Kind { Null, Integer, Text };
  Kind kind = Kind::Null;
  std::int64_t integer = 0;
  std::string_view text;
};

// The image of a row whose column i (in t.cols order) is cell(i): compact JSON, sorted keys.
std::string row_image(const Tracked& t, const std::function<Cell(int)>& cell);

// engine::EntityCheck from the chain (events in seq order) and then every tracked row.
class EntityChecker {
 public:
  void event(engine::EntityEvent e);
  void row(const Tracked& t, const std::string& key, const std::string& stored_image);
  engine::EntityCheck finish();

 private:
  engine::EntityCheck out_;
  std::string prev_;
  // (entity, key) -> last image ("" once deleted).
  std::unordered_map<std::string, std::string> last_;
};

}  // namespace djflow::storage::detail
