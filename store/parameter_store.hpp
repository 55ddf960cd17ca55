// The parameters table: values set at run time (or by config), with their origin.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/database.hpp"

namespace tollgate::store {

/// `origin` is "default", "config" or "runtime" (policy::to_string(parameter_origin));
/// the store keeps names and origins as text so that it depends on base only.
struct parameter_row {
  std::string name;
  std::int64_t value = 0;
  std::string origin;

  friend bool operator==(const parameter_row&, const parameter_row&) = default;
};

class parameter_store {
public:
  explicit parameter_store(database& db) : db_(db) {}
  result<void> upsert(const parameter_row& row);
  result<bool> erase(const std::string& name);
  /// Every stored parameter, by name.
  result<std::vector<parameter_row>> load_all();

private:
  database& db_;
};

}  // namespace tollgate::store
