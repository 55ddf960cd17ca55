// Owners for libnftnl objects: every nftnl_* handle lives in a unique_ptr with its deleter.
#pragma once

#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/object.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>

#include <memory>

namespace tollgate::netfilter {

struct nftnl_deleter {
  void operator()(nftnl_table* p) const { nftnl_table_free(p); }
  void operator()(nftnl_chain* p) const { nftnl_chain_free(p); }
  void operator()(nftnl_rule* p) const { nftnl_rule_free(p); }
  void operator()(nftnl_set* p) const { nftnl_set_free(p); }
  void operator()(nftnl_set_elem* p) const { nftnl_set_elem_free(p); }
  void operator()(nftnl_expr* p) const { nftnl_expr_free(p); }
  void operator()(nftnl_obj* p) const { nftnl_obj_free(p); }
};

using table_ptr = std::unique_ptr<nftnl_table, nftnl_deleter>;
using chain_ptr = std::unique_ptr<nftnl_chain, nftnl_deleter>;
using rule_ptr = std::unique_ptr<nftnl_rule, nftnl_deleter>;
using set_ptr = std::unique_ptr<nftnl_set, nftnl_deleter>;
using set_elem_ptr = std::unique_ptr<nftnl_set_elem, nftnl_deleter>;
using expr_ptr = std::unique_ptr<nftnl_expr, nftnl_deleter>;
using obj_ptr = std::unique_ptr<nftnl_obj, nftnl_deleter>;

inline table_ptr make_table() { return table_ptr{nftnl_table_alloc()}; }
inline chain_ptr make_chain() { return chain_ptr{nftnl_chain_alloc()}; }
inline rule_ptr make_rule() { return rule_ptr{nftnl_rule_alloc()}; }
inline set_ptr make_set() { return set_ptr{nftnl_set_alloc()}; }
inline set_elem_ptr make_set_elem() { return set_elem_ptr{nftnl_set_elem_alloc()}; }
inline obj_ptr make_obj() { return obj_ptr{nftnl_obj_alloc()}; }

}  // namespace tollgate::netfilter
