// Test helpers for transaction effects: find, count and list them.
#pragma once

#include <string>
#include <variant>

#include "sip/transaction_timers.hpp"

namespace tollgate::sip::test {

template <class T>
int count(const transaction_effects& effects) {
  int n = 0;
  for (const auto& e : effects) n += std::holds_alternative<T>(e) ? 1 : 0;
  return n;
}

template <class T>
const T* first(const transaction_effects& effects) {
  for (const auto& e : effects) {
    if (const T* t = std::get_if<T>(&e)) return t;
  }
  return nullptr;
}

inline const arm_timer* armed(const transaction_effects& effects, timer_id id) {
  for (const auto& e : effects) {
    if (const auto* a = std::get_if<arm_timer>(&e); a != nullptr && a->timer == id) return a;
  }
  return nullptr;
}

inline bool cancelled(const transaction_effects& effects, timer_id id) {
  for (const auto& e : effects) {
    if (const auto* c = std::get_if<cancel_timer>(&e); c != nullptr && c->timer == id) return true;
  }
  return false;
}

inline const transaction_terminated* ended(const transaction_effects& effects) {
  return first<transaction_terminated>(effects);
}

}  // namespace tollgate::sip::test
