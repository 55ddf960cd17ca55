// Running an io_context in tests until a condition holds, bounded in time.
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>

#include "base/clock.hpp"

namespace tollgate::test {

/// Runs `io` until `done` holds, at most `limit`.
inline bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
                      std::chrono::milliseconds limit) {
  const base::system_clock clock;
  const auto deadline = clock.steady_now() + limit;
  while (!done() && clock.steady_now() < deadline) {
    io.run_for(std::chrono::milliseconds(10));
    io.restart();
  }
  return done();
}

}  // namespace tollgate::test
