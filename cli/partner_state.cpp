// The partner's state and unpairing; see partner_state.hpp.
#include "cli/partner_state.hpp"

#include <cstdlib>

#include "cli/node_file.hpp"
#include "crypto/check_words.hpp"
#include "net/client.hpp"
#include "net/connection.hpp"

namespace inch::cli {

Result<PartnerStatus> ReadPartnerStatus(const NetNode& node,
                                        store::SharedStore& store) {
  PartnerStatus out;
  auto partner = store.pairing().Partner();
  if (!partner) return std::unexpected(partner.error());
  out.partner = *partner;
  if (*partner) {
    if (auto secret = store.pairing().PairSecret()) {
      out.check_words = crypto::CheckWords(*secret, node.identity.public_key,
                                           (*partner)->public_key);
    }
  }
  if (auto owed = store.sync().OwedUnpairNotice(); owed && *owed) {
    out.notice_owed = true;
  }
  // Every session that converged (inch sync, or a daemon's) records it in
  // the store; homes written before then kept it in a file.
  if (auto noted = store.reader().LastSync()) out.last_sync_ms = *noted;
  if (out.last_sync_ms == 0) {
    auto last = ReadFile(node.files.dir + "/last-sync", 64);
    out.last_sync_ms = last ? std::atoll(last->c_str()) : 0;
  }
  return out;
}

Result<bool> UnpairAndTell(const NetNode& node, store::SharedStore& store) {
  // Erases everything but just enough to tell the partner, in one step.
  if (auto st = store.pairing().UnpairAndOweNotice(); !st) {
    if (st.error().code == Errc::kNotFound)
      return Fail(Errc::kNotFound, "not paired");
    return std::unexpected(st.error());
  }
  auto owed = store.sync().OwedUnpairNotice();
  if (!owed) return std::unexpected(owed.error());
  auto ep = *owed ? net::ParseEndpoint((*owed)->last_address)
                  : Fail(Errc::kNotFound, "no notice owed");
  if (!ep) return false;
  boost::asio::io_context io;
  if (!RunTask(io, net::DeliverUnpair(node.identity.secret_key, **owed, *ep)))
    return false;
  return store.sync()
      .ForgetUnpairNotice((*owed)->partner_public_key)
      .has_value();
}

}  // namespace inch::cli
