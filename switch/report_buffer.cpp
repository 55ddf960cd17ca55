// The bounded report queue of the agent link.
#include "switch/report_buffer.hpp"

#include <string_view>
#include <vector>

namespace tollgate::switch_ {

void report_buffer::push(std::string line) {
  if (capacity_ == 0) {
    ++dropped_;
    return;
  }
  if (lines_.size() >= capacity_) {
    lines_.pop_front();
    ++dropped_;
  }
  lines_.push_back(std::move(line));
}

std::string report_buffer::take_chunk(std::size_t max_bytes) {
  std::string chunk;
  while (!lines_.empty() && (chunk.empty() || chunk.size() + lines_.front().size() + 1 <= max_bytes)) {
    chunk += lines_.front();
    chunk += '\n';
    lines_.pop_front();
  }
  return chunk;
}

void report_buffer::unget_chunk(const std::string& chunk) {
  std::vector<std::string> back;
  std::string_view rest(chunk);
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    back.emplace_back(rest.substr(0, end));
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
  }
  for (auto it = back.rbegin(); it != back.rend(); ++it) {
    if (lines_.size() >= capacity_) {
      ++dropped_;  // the chunk is older than anything queued: it is what goes first
      continue;
    }
    lines_.push_front(std::move(*it));
  }
}

}  // namespace tollgate::switch_
