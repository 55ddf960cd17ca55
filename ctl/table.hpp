// Plain-text tables and cells for tollgatectl's human output.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "wire/control_protocol.hpp"

namespace tollgate::ctl {

/// Columns left-aligned to their widest cell, two spaces apart, no trailing blanks;
/// a header line first. Rows shorter than the header are padded with empty cells.
class table {
public:
  explicit table(std::vector<std::string> headers);
  void add_row(std::vector<std::string> cells);
  std::size_t rows() const { return rows_.size(); }
  void print(std::ostream& out) const;

private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

/// A JSON value as a cell: strings bare, null as "-", objects as "k v, k v", arrays joined by ", ".
std::string cell(const wire::json& value);
/// Unix seconds (a JSON number) as "2026-11-26 14:10:46 UTC"; null as `null_text`.
std::string time_cell(const wire::json& value, const std::string& null_text = "-");
/// Seconds as "1d2h", "15m", "42s".
std::string duration_cell(std::int64_t seconds);
/// `object[name]`, or null when absent.
const wire::json& field(const wire::json& object, const char* name);

}  // namespace tollgate::ctl
