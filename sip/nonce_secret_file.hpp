// The nonce secret on disk: loaded from, or created in, the state directory with mode 0600.
#pragma once

#include <filesystem>
#include <system_error>
#include <variant>

#include "sip/nonce.hpp"

namespace tollgate::sip {

/// The file name inside the state directory.
inline constexpr const char* nonce_secret_file_name = "nonce.key";

/// Reads `<state_dir>/nonce.key` (exactly 32 bytes, no group/other permissions), or creates
/// it from the system random generator when absent (exclusive create, mode 0600, fsync,
/// then an atomic rename so a crash never leaves a short file). Errors: errno values in
/// std::system_category, or digest_errc::secret_file_size / secret_file_permissions /
/// random_failure.
std::variant<nonce_secret, std::error_code> load_or_create_nonce_secret(const std::filesystem::path& state_dir);

}  // namespace tollgate::sip
