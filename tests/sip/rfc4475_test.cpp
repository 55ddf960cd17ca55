// RFC 4475 torture messages: every file of the archive, parsed as a datagram and as a stream.
#include "sip/parser.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "sip/stream_framer.hpp"
#include "tests/sip/testdata.hpp"

using namespace tollgate::sip;
using tollgate::sip::testing::read_file;
using tollgate::sip::testing::rfc4475_dir;

namespace {

struct expectation {
  std::optional<errc> datagram;  // nullopt: parses; else the error a datagram must yield
  std::string_view why;
};

// The outcome for each file, per RFC 4475 and testdata/rfc4475/README.md. Where the RFC lets an
// element either reject or tolerate, the choice is stated.
const std::map<std::string, expectation>& table() {
  static const std::map<std::string, expectation> t{
      // §3.1.1 valid
      {"wsinv.dat", {std::nullopt, "folding, LWS, compact forms"}},
      {"intmeth.dat", {std::nullopt, "odd but valid characters"}},
      {"esc01.dat", {std::nullopt, "valid escapes"}},
      {"escnull.dat", {std::nullopt, "escaped NULs"}},
      {"esc02.dat", {std::nullopt, "% that is no escape"}},
      {"lwsdisp.dat", {std::nullopt, "no LWS before <"}},
      {"longreq.dat", {std::nullopt, "long values"}},
      {"dblreq.dat", {std::nullopt, "trailing octets ignored"}},
      {"semiuri.dat", {std::nullopt, "; in user part"}},
      {"transports.dat", {std::nullopt, "unknown transports"}},
      {"mpart01.dat", {std::nullopt, "binary multipart body"}},
      {"unreason.dat", {std::nullopt, "UTF-8 reason"}},
      {"noreason.dat", {std::nullopt, "empty reason"}},
      // §3.1.2 invalid: rejected
      {"badinv01.dat", {errc::bad_via, "empty Via parameters ;;,;,,"}},
      {"clerr.dat", {errc::content_length_mismatch, "over UDP: 400"}},
      {"ncl.dat", {errc::bad_content_length, "negative length"}},
      {"scalar02.dat", {errc::bad_cseq, "CSeq >= 2^31"}},
      {"scalarlg.dat", {errc::bad_cseq, "response CSeq overflow: discard"}},
      {"quotbal.dat", {errc::bad_name_addr, "unterminated quote in To"}},
      {"ltgtruri.dat", {errc::bad_request_uri, "<> around Request-URI: rejected"}},
      {"lwsruri.dat", {errc::bad_request_uri, "LWS inside Request-URI"}},
      {"lwsstart.dat", {errc::bad_request_uri, "double SP in request line: rejected"}},
      {"trws.dat", {errc::bad_start_line, "trailing SP after version: rejected"}},
      {"escruri.dat", {errc::bad_request_uri, "headers in Request-URI: rejected"}},
      {"baddate.dat", {std::nullopt, "Date does not matter here: tolerated"}},
      {"regbadct.dat", {errc::bad_name_addr, "? in a Contact addr-spec without <>: rejected"}},
      {"badaspec.dat", {errc::bad_name_addr, "spaces inside <>: rejected"}},
      {"baddn.dat", {errc::headers_unterminated, "no empty line (and a non-token display name)"}},
      {"badvers.dat", {errc::unsupported_version, "SIP/7.0: 505"}},
      {"mismatch01.dat", {errc::cseq_method_mismatch, "OPTIONS vs CSeq INVITE"}},
      {"mismatch02.dat", {errc::cseq_method_mismatch, "unknown method vs CSeq INVITE"}},
      {"bigcode.dat", {errc::bad_status_code, "status 4294967301: drop"}},
      // §3.2 transaction layer: parses; the branch is not an RFC 3261 one
      {"badbranch.dat", {std::nullopt, "branch=z9hG4bK alone: RFC 2543 matching"}},
      // §3.3 application layer
      {"insuf.dat", {errc::missing_header, "no Call-ID, From, To: 400"}},
      {"unkscm.dat", {std::nullopt, "unknown scheme parses (416 is the application's)"}},
      {"novelsc.dat", {std::nullopt, "atypical scheme parses"}},
      {"unksm2.dat", {std::nullopt, "unknown schemes in To/From/Contact parse"}},
      {"bext01.dat", {std::nullopt, "Require is the application's"}},
      {"invut.dat", {std::nullopt, "unknown Content-Type parses"}},
      {"regaut01.dat", {std::nullopt, "unknown auth scheme parses"}},
      {"multi01.dat", {errc::duplicate_header, "two CSeq, Call-ID, To, From: 400"}},
      {"mcl01.dat", {errc::duplicate_header, "two Content-Length: framing error"}},
      {"bcast.dat", {std::nullopt, "broadcast Via parses"}},
      {"zeromf.dat", {std::nullopt, "Max-Forwards 0 parses"}},
      {"cparam01.dat", {std::nullopt, "contact-param"}},
      {"cparam02.dat", {std::nullopt, "url-parameter"}},
      {"regescrt.dat", {std::nullopt, "escaped header in Contact URI"}},
      {"sdp01.dat", {std::nullopt, "Accept is the application's"}},
      // §3.4
      {"inv2543.dat", {std::nullopt, "RFC 2543 syntax; body is the rest of the datagram"}},
      // not in the RFC text: no SIP-Version on its request line
      {"test.dat", {errc::bad_start_line, "request line without SIP-Version"}},
  };
  return t;
}

std::string load(std::string_view name) { return read_file(rfc4475_dir() / std::string(name)); }

message parse_ok(std::string_view name) {
  auto r = parse(load(name));
  INFO(name << ": " << (r.ok() ? std::string("ok") : r.error.describe()));
  REQUIRE(r.ok());
  return std::move(*r.msg);
}

}  // namespace

TEST_CASE("every RFC 4475 file parses or is rejected as the table says", "[sip][rfc4475]") {
  std::set<std::string> seen;
  REQUIRE(std::filesystem::is_directory(rfc4475_dir()));
  for (const auto& entry : std::filesystem::directory_iterator(rfc4475_dir())) {
    if (entry.path().extension() != ".dat") continue;
    const std::string name = entry.path().filename().string();
    seen.insert(name);
    const auto it = table().find(name);
    INFO(name);
    REQUIRE(it != table().end());  // a new file needs a row
    const auto r = parse(read_file(entry.path()));
    INFO(it->second.why << " -> " << (r.ok() ? std::string("parsed") : r.error.describe()));
    if (it->second.datagram) {
      CHECK(r.status == parse_status::error);
      CHECK(r.error.code == *it->second.datagram);
    } else {
      CHECK(r.ok());
    }
  }
  CHECK(seen.size() == table().size());
  CHECK(seen.size() == 50);
}

TEST_CASE("every RFC 4475 file framed as a stream, split at every 7th octet", "[sip][rfc4475]") {
  for (const auto& [name, expected] : table()) {
    const std::string bytes = load(name);
    stream_framer framer;
    parse_result r;
    for (std::size_t i = 0; i < bytes.size(); i += 7) {
      framer.append(std::string_view(bytes).substr(i, 7));
      r = framer.next();
      if (r.status != parse_status::need_more) break;
    }
    INFO(name << ": " << (r.ok() ? std::string("parsed") : r.error.describe()));
    if (name == "clerr.dat" || name == "baddn.dat") {
      CHECK(r.status == parse_status::need_more);  // waits for octets that never come
    } else if (expected.datagram) {
      CHECK(r.status == parse_status::error);
    } else if (name == "inv2543.dat") {
      // No Content-Length on a stream means no body; the rest is junk that must fail to parse.
      REQUIRE(r.ok());
      CHECK(r.msg->body().empty());
    } else {
      CHECK(r.ok());
    }
  }
}

TEST_CASE("RFC 4475 valid messages: the details", "[sip][rfc4475]") {
  SECTION("wsinv: folding and compact forms") {
    const message m = parse_ok("wsinv.dat");
    CHECK(m.method() == method::invite);
    CHECK(m.request_uri()->has_param("unknownparam"));
    CHECK(m.to()->tag() == "1918181833n");
    CHECK(m.from()->tag() == "98asjd8");
    CHECK(m.from()->display_name == R"(J Rosenberg \\\")");
    CHECK(m.max_forwards() == 68u);
    CHECK(m.cseq()->number == 9);
    CHECK(m.cseq()->method == "INVITE");
    const auto vias = m.vias();
    REQUIRE(vias);
    REQUIRE(vias->size() == 3);
    CHECK((*vias)[0].transport == "UDP");
    CHECK((*vias)[0].host == "192.0.2.2");
    CHECK((*vias)[1].transport == "TCP");
    CHECK((*vias)[1].branch() == "z9hG4bK9ikj8");
    CHECK((*vias)[2].host == "192.168.255.111");
    CHECK((*vias)[2].branch() == "z9hG4bK30239");
    CHECK(m.header("NewFangledHeader").find("continued newfangled value") != std::string_view::npos);
    CHECK(m.header("s").empty());
    CHECK(m.body().size() == 150);
    CHECK(m.routes()->at(0).address.has_param("lr"));
  }
  SECTION("intmeth: token characters everywhere") {
    const message m = parse_ok("intmeth.dat");
    CHECK(m.method() == method::unknown);
    CHECK(m.method_text() == "!interesting-Method0123456789_*+`.%indeed'~");
    const auto u = m.request_uri();
    CHECK(u->user == "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    CHECK(u->password == "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    CHECK(m.to()->display_name.find(std::string_view("NUL:\\\0", 6)) != std::string_view::npos);
    CHECK(m.from()->tag() == "_token~1'+`*%!-.");
    CHECK(m.call_id() == "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
  }
  SECTION("esc01 and escnull: escapes are kept, unescaped once") {
    const message m = parse_ok("esc01.dat");
    CHECK(*unescape(m.request_uri()->user) == "sips:user@example.com");
    CHECK(*unescape(m.to()->address.user) == "user");
    const auto c = m.contacts();
    REQUIRE(c->contacts.size() == 1);
    CHECK(*unescape(*c->contacts[0].address.param("n%61me")) == "value%41");
    const message n = parse_ok("escnull.dat");
    const auto contacts = n.contacts();
    REQUIRE(contacts->contacts.size() == 2);
    CHECK(*unescape(contacts->contacts[0].address.user) == std::string(1, '\0'));
    CHECK(*unescape(contacts->contacts[1].address.user) == std::string(2, '\0'));
    CHECK(unescape(n.to()->address.user)->size() == 11);  // "null-\0-null", not cut short
  }
  SECTION("esc02: RE%47IST%45R is not REGISTER, C%6Fntact is not Contact") {
    const message m = parse_ok("esc02.dat");
    CHECK(m.method() == method::unknown);
    CHECK(m.contacts()->contacts.size() == 2);
    CHECK(!m.header("C%6Fntact").empty());
  }
  SECTION("lwsdisp and semiuri") {
    CHECK(parse_ok("lwsdisp.dat").from()->display_name == "caller");
    CHECK(parse_ok("semiuri.dat").request_uri()->user == "user;par=u%40example.net");
  }
  SECTION("longreq: many Vias and long values") {
    const message m = parse_ok("longreq.dat");
    CHECK(m.vias()->size() > 30);
    CHECK(m.from()->tag().size() > 100);
  }
  SECTION("dblreq: the REGISTER, and the trailing INVITE ignored") {
    const auto r = parse(load("dblreq.dat"));
    REQUIRE(r.ok());
    CHECK(r.msg->method() == method::register_);
    CHECK(r.msg->body().empty());
    CHECK(r.trailing > 400);
  }
  SECTION("transports, mpart01, unreason, noreason") {
    const auto vias = parse_ok("transports.dat").vias();
    REQUIRE(vias->size() == 5);
    CHECK((*vias)[1].transport == "SCTP");
    CHECK((*vias)[3].transport == "UNKNOWN");
    const message mp = parse_ok("mpart01.dat");
    CHECK(mp.body().size() == std::stoul(std::string(mp.header(header_id::content_length))));
    CHECK(mp.body().find('\0') != std::string_view::npos);
    const message ur = parse_ok("unreason.dat");
    CHECK(ur.status_code() == 200);
    CHECK(ur.reason_phrase().size() > 20);
    const message nr = parse_ok("noreason.dat");
    CHECK(nr.status_code() == 100);
    CHECK(nr.reason_phrase().empty());
  }
  SECTION("badbranch: a bare magic cookie is no RFC 3261 branch") {
    const auto v = parse_ok("badbranch.dat").top_via();
    CHECK(v->branch() == "z9hG4bK");
    CHECK_FALSE(v->rfc3261_branch());
  }
  SECTION("unknown schemes") {
    const auto u = parse_ok("unkscm.dat").request_uri();
    CHECK(u->scheme == uri_scheme::other);
    CHECK(u->opaque == "totallyopaquecontent");
    CHECK(parse_ok("novelsc.dat").request_uri()->scheme_text == "soap.beep");
    const message m = parse_ok("unksm2.dat");
    CHECK(m.to()->address.scheme_text == "isbn");
    CHECK_FALSE(m.to()->address.is_sip());
  }
  SECTION("cparam01/02, regescrt: contact-param versus url-parameter") {
    const auto c1 = parse_ok("cparam01.dat").contacts()->contacts.at(0);
    CHECK(c1.param("unknownparam"));
    CHECK_FALSE(c1.address.has_param("unknownparam"));
    const auto c2 = parse_ok("cparam02.dat").contacts()->contacts.at(0);
    CHECK(c2.address.has_param("unknownparam"));
    CHECK_FALSE(c2.param("unknownparam"));
    const auto c3 = parse_ok("regescrt.dat").contacts()->contacts.at(0);
    CHECK(c3.address.headers == "Route=%3Csip:sip.example.com%3E");
  }
  SECTION("zeromf, bcast, regaut01, inv2543") {
    CHECK(parse_ok("zeromf.dat").max_forwards() == 0u);
    CHECK(parse_ok("bcast.dat").vias()->at(1).host == "255.255.255.255");
    CHECK(parse_ok("regaut01.dat").header(header_id::authorization).substr(0, 7) == "NoOneKn");
    const message m = parse_ok("inv2543.dat");
    CHECK_FALSE(m.max_forwards());
    CHECK(m.top_via()->branch().empty());
    CHECK(m.from()->tag().empty());
    CHECK(m.body().substr(0, 3) == "v=0");
  }
}

TEST_CASE("RFC 4475 invalid messages: the errors say where", "[sip][rfc4475]") {
  const auto r = parse(load("scalar02.dat"));
  CHECK(r.error.header == header_id::cseq);
  CHECK(r.error.line == 5);
  const auto v = parse(load("badvers.dat"));
  CHECK(v.error.line == 1);
  CHECK(v.error.describe().find("SIP-Version") != std::string::npos);
  // baddn.dat lacks the final empty line (README); with it, the display name is the fault.
  const auto dn = parse(load("baddn.dat") + "\r\n");
  CHECK(dn.error.code == errc::bad_name_addr);
  CHECK(dn.error.header == header_id::from);
  const auto mcl = parse(load("mcl01.dat"));
  CHECK(mcl.error.header == header_id::content_length);
  CHECK(mcl.error.line == 9);
}
