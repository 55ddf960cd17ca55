// Plain-text tables and cells for tollgatectl's human output.
#include "ctl/table.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <ostream>

namespace tollgate::ctl {

table::table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void table::add_row(std::vector<std::string> cells) {
  cells.resize(std::max(cells.size(), headers_.size()));
  rows_.push_back(std::move(cells));
}

void table::print(std::ostream& out) const {
  std::vector<std::size_t> widths(headers_.size());
  for (std::size_t c = 0; c < headers_.size(); ++c) widths[c] = headers_[c].size();
  for (const auto& row : rows_) {
    widths.resize(std::max(widths.size(), row.size()));
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  const auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c > 0) line += "  ";
      line += row[c];
      if (c + 1 < row.size()) line.append(widths[c] - row[c].size(), ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  };
  print_row(headers_);
  for (const auto& row : rows_) print_row(row);
}

std::string cell(const wire::json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_object()) {
    std::string text;
    for (const auto& [key, item] : value.items()) {
      if (!text.empty()) text += ", ";
      text += key + " " + (item.is_object() ? "{" + cell(item) + "}" : cell(item));
    }
    return text.empty() ? "-" : text;
  }
  if (value.is_array()) {
    std::string text;
    for (const auto& item : value) text += (text.empty() ? "" : ", ") + cell(item);
    return text.empty() ? "-" : text;
  }
  return value.dump();
}

std::string time_cell(const wire::json& value, const std::string& null_text) {
  if (value.is_null()) return null_text;
  if (!value.is_number()) return cell(value);
  const auto seconds = static_cast<std::time_t>(std::floor(value.get<double>()));
  std::tm parts{};
  if (gmtime_r(&seconds, &parts) == nullptr) return cell(value);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &parts);
  return text;
}

std::string duration_cell(std::int64_t seconds) {
  if (seconds <= 0) return "0s";
  static constexpr std::pair<std::int64_t, char> units[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
  std::string text;
  for (const auto& [size, letter] : units) {
    if (seconds >= size) {
      text += std::to_string(seconds / size) + letter;
      seconds %= size;
    }
  }
  return text;
}

const wire::json& field(const wire::json& object, const char* name) {
  static const wire::json null_value;
  if (!object.is_object()) return null_value;
  const auto it = object.find(name);
  return it == object.end() ? null_value : *it;
}

}  // namespace tollgate::ctl
