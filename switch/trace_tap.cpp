// The trace tap's one sink.
#include "switch/trace_tap.hpp"

namespace tollgate::switch_::trace_tap {

namespace detail {
std::atomic<sink*> current{nullptr};
}

std::string_view to_string(direction d) { return d == direction::in ? "in" : "out"; }

void install(sink* s) { detail::current.store(s, std::memory_order_release); }

}  // namespace tollgate::switch_::trace_tap
