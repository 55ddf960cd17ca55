// A registrar and request handler on a manual clock, with helpers that play a phone.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "config/config.hpp"
#include "sip/builder.hpp"
#include "sip/digest_client.hpp"
#include "sip/parser.hpp"
#include "switch/registrar.hpp"
#include "switch/request_handler.hpp"

namespace tollgate::test {

inline std::shared_ptr<const config::config> test_config(int challenge_mode) {
  auto c = std::make_shared<config::config>(config::built_in_defaults());
  (void)c->parameters.set(policy::parameter::SS_AUTHCHALLENGEMODE, challenge_mode, policy::parameter_origin::config);
  config::endpoint a;
  a.name = "1001";
  a.password = "s3cret-1001-Long";
  a.max_bindings = 2;
  c->endpoints.push_back(a);
  config::endpoint b;
  b.name = "1002";
  b.password = "s3cret-1002-Long";
  b.allow = {*base::ip_prefix::parse("192.0.2.0/24")};
  c->endpoints.push_back(b);
  return c;
}

inline sip::nonce_secret test_secret() {
  sip::nonce_secret s;
  for (std::size_t i = 0; i < s.bytes.size(); ++i) s.bytes[i] = static_cast<std::uint8_t>(i * 7 + 1);
  return s;
}

struct switch_fixture {
  explicit switch_fixture(int mode = 2) : switch_fixture(test_config(mode), {}) {}
  /// A switch on `c`, with the digest settings `d` (the config's are switch_::digest_config(*c)).
  switch_fixture(std::shared_ptr<const config::config> c, sip::digest_server_config d)
      : directory(std::move(c)),
        digest(std::move(d), test_secret(), directory.credentials()),
        reg(directory, digest, suspensions, bindings,
            switch_::registrar_settings{
                static_cast<sip::challenge_mode>(
                    directory.configuration().parameters.get(policy::parameter::SS_AUTHCHALLENGEMODE)),
                std::chrono::seconds(60), std::chrono::seconds(3600), std::chrono::seconds(7200)}),
        handler(reg, digest, policy::scanner_match{}) {}

  base::manual_clock clock{base::from_unix_seconds(1764158400)};
  switch_::endpoint_directory directory;
  sip::digest_server digest;
  switch_::suspension_table suspensions;
  switch_::binding_table bindings;
  switch_::registrar reg;
  switch_::request_handler handler;
  switch_::peer phone{config::transport::udp, *base::ip_address::parse("198.51.100.20"), 5062};
  std::uint32_t cseq = 1;
  std::uint64_t next_random = 1;

  /// A REGISTER for `user` with the given Contact and Expires ("" leaves it out).
  std::string register_text(const std::string& user, const std::string& contact = "<sip:u@198.51.100.20:5062>",
                            const std::string& expires = "3600", const std::string& call_id = "call-1",
                            const std::vector<std::pair<std::string, std::string>>& extra = {}) {
    sip::request_builder b("REGISTER", "sip:tollgate");
    b.via("UDP", "198.51.100.20:5062", sip::make_branch(next_random++))
        .from("<sip:" + user + "@tollgate>", "ft1")
        .to("<sip:" + user + "@tollgate>")
        .call_id(call_id)
        .cseq(cseq++);
    if (!contact.empty()) b.contact(contact);
    if (!expires.empty()) b.header("Expires", expires);
    b.header("User-Agent", "test-phone");
    for (const auto& [name, value] : extra) b.header(name, value);
    return b.build();
  }

  /// Sends one datagram; returns the parsed response, if any.
  std::optional<sip::message> send(const std::string& text, const switch_::peer* from = nullptr) {
    auto out = handler.on_datagram(text, from ? *from : phone, clock.now());
    if (!out) return std::nullopt;
    auto parsed = sip::parse(out->bytes);
    if (!parsed.ok()) return std::nullopt;
    return std::move(*parsed.msg);
  }

  /// The answer to a challenge response for `user` with `password`: (header name, value).
  std::pair<std::string, std::string> answer(const sip::message& challenge, const std::string& method,
                                             const std::string& user, const std::string& password) {
    sip::digest_client client([this] { return next_random++; });
    const auto name = challenge.status_code() == 401 ? "WWW-Authenticate" : "Proxy-Authenticate";
    const auto values = challenge.header_values(name);
    auto a = client.answer(challenge.status_code(), values, method, "sip:tollgate", user, password);
    auto& ok = std::get<sip::digest_answer>(a);
    return {std::string(ok.header_name), ok.value};
  }

  /// REGISTER, challenge, REGISTER with credentials: the final response.
  std::optional<sip::message> register_with(const std::string& user, const std::string& password,
                                            const std::string& contact = "<sip:u@198.51.100.20:5062>",
                                            const std::string& expires = "3600",
                                            const switch_::peer* from = nullptr) {
    auto challenge = send(register_text(user, contact, expires), from);
    if (!challenge || (challenge->status_code() != 401 && challenge->status_code() != 407)) return challenge;
    const auto [name, value] = answer(*challenge, "REGISTER", user, password);
    return send(register_text(user, contact, expires, "call-1", {{name, value}}), from);
  }
};

}  // namespace tollgate::test
