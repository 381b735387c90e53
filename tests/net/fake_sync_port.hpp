// An in-memory SyncPort for testing the sync session and the daemon on
// their own: ops are opaque (8-byte big-endian seq, then filler, as the
// session sees them), "release" is just the list of my ops, and applying
// checks only what the port's contract says (duplicates skipped, a gap
// rejected). Recovery returns and takes back ops as the real store does.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "store/shared/sync_port.hpp"

namespace inch::net::testing {

class FakeSyncPort final : public store::SyncPort {
 public:
  // Appends one of my ops with the next release number.
  void AddOp() {
    const std::uint64_t seq = mine_.size() + 1;
    Bytes op(64, static_cast<std::uint8_t>(seq));
    for (int i = 0; i < 8; ++i)
      op[static_cast<std::size_t>(i)] =
          static_cast<std::uint8_t>(seq >> (8 * (7 - i)));
    mine_.push_back(std::move(op));
    ++changes_;
  }
  // Forgets my ops after the first `n` (a restored backup).
  void LoseTail(std::size_t n) { mine_.resize(std::min(n, mine_.size())); }
  const std::vector<Bytes>& mine() const { return mine_; }
  const std::vector<Bytes>& received() const { return received_; }
  int synced() const { return synced_; }

  // Pins `partner` with `secret` (a new pairing), or unpairs.
  void Pair(Bytes partner_public_key, const crypto::Secret& secret) {
    partner_ = store::PartnerInfo{std::move(partner_public_key), "fake", ""};
    secret_ = crypto::Secret::CopyOf(secret.view());
    ++pairings_;
  }
  void Unpair() {
    partner_.reset();
    secret_ = crypto::Secret();
    ++pairings_;
  }
  // How often the pin and the pair secret were read.
  int partner_reads() const { return partner_reads_; }
  int secret_reads() const { return secret_reads_; }

  Result<std::optional<store::PartnerInfo>> Partner() override {
    ++partner_reads_;
    return partner_;
  }
  Result<crypto::Secret> PairSecret() override {
    ++secret_reads_;
    if (!partner_) return Fail(Errc::kNotFound, "fake: no pair secret");
    return crypto::Secret::CopyOf(secret_.view());
  }
  Result<std::uint64_t> PairingGeneration() override { return pairings_; }
  // Owes `notice` to an old partner, as a local unpair would.
  void OweNotice(store::UnpairNotice notice) { notice_ = std::move(notice); }
  Result<std::optional<store::UnpairNotice>> OwedUnpairNotice() override {
    if (!notice_) return std::optional<store::UnpairNotice>();
    return std::optional<store::UnpairNotice>(
        store::UnpairNotice{notice_->partner_public_key,
                            crypto::Secret::CopyOf(notice_->pair_secret.view()),
                            notice_->last_address});
  }
  Status ForgetUnpairNotice(ByteView partner_public_key) override {
    if (notice_ &&
        ByteView(notice_->partner_public_key).size() ==
            partner_public_key.size() &&
        std::equal(partner_public_key.begin(), partner_public_key.end(),
                   notice_->partner_public_key.begin())) {
      notice_.reset();
    }
    return {};
  }
  Status SetPartnerAddress(std::string_view host_port) override {
    address_ = std::string(host_port);
    return {};
  }
  Status ErasePartner() override {
    received_.clear();
    Unpair();
    return {};
  }
  Result<std::uint64_t> ReceivedUpTo() override { return received_.size(); }
  Result<store::Outgoing> Outbox(std::uint64_t partner_has, std::size_t max_ops,
                                 std::size_t max_bytes) override {
    if (partner_has > mine_.size())
      return Fail(Errc::kRollback, "fake: the partner holds more than I sent");
    return Slice(mine_, partner_has + 1, max_ops, max_bytes);
  }
  Result<std::vector<store::Applied>> ApplyBatchesFromPartner(
      std::span<const std::span<const ByteView>> batches) override {
    std::vector<store::Applied> out;
    std::vector<Bytes> next = received_;
    for (const auto& batch : batches) {
      store::Applied a;
      for (ByteView op : batch) {
        const std::uint64_t seq = SeqOf(op);
        if (seq <= next.size()) {
          ++a.duplicates;
          continue;
        }
        if (seq != next.size() + 1) return Fail(Errc::kProtocol, "fake: gap");
        next.emplace_back(op.begin(), op.end());
        ++a.applied;
      }
      a.received_up_to = next.size();
      out.push_back(a);
    }
    received_ = std::move(next);
    return out;
  }
  Result<std::uint64_t> LocalChangeCounter() override { return changes_; }
  Status NoteSynced() override {
    ++synced_;
    return {};
  }
  Result<std::uint64_t> ReleasedUpTo() override { return mine_.size(); }
  Result<store::Outgoing> ReturnPartnerOps(std::uint64_t from,
                                           std::size_t max_ops,
                                           std::size_t max_bytes) override {
    return Slice(received_, from, max_ops, max_bytes);
  }
  Result<std::size_t> RecoverMine(
      std::span<const ByteView> sealed_ops) override {
    for (ByteView op : sealed_ops) {
      if (SeqOf(op) != mine_.size() + 1)
        return Fail(Errc::kProtocol, "fake: returned out of order");
      mine_.emplace_back(op.begin(), op.end());
    }
    return sealed_ops.size();
  }
  Result<std::uint64_t> GetCursor(store::Cursor which) override {
    return cursors_[static_cast<std::size_t>(which)];
  }
  Status RaiseCursor(store::Cursor which, std::uint64_t value) override {
    auto& c = cursors_[static_cast<std::size_t>(which)];
    c = std::max(c, value);
    return {};
  }

 private:
  static std::uint64_t SeqOf(ByteView op) {
    std::uint64_t seq = 0;
    for (int i = 0; i < 8; ++i)
      seq = (seq << 8) | op[static_cast<std::size_t>(i)];
    return seq;
  }
  static store::Outgoing Slice(const std::vector<Bytes>& ops,
                               std::uint64_t from, std::size_t max_ops,
                               std::size_t max_bytes) {
    store::Outgoing out;
    std::size_t bytes = 0;
    for (std::uint64_t seq = from; seq <= ops.size(); ++seq) {
      const Bytes& op = ops[seq - 1];
      if (!out.sealed_ops.empty() &&
          (out.sealed_ops.size() >= max_ops || bytes + op.size() > max_bytes)) {
        out.more = true;
        break;
      }
      bytes += op.size();
      if (out.sealed_ops.empty()) out.first_seq = seq;
      out.last_seq = seq;
      out.sealed_ops.push_back(op);
    }
    return out;
  }
  std::optional<store::PartnerInfo> partner_;
  std::optional<store::UnpairNotice> notice_;
  crypto::Secret secret_;
  std::uint64_t pairings_ = 0;
  int partner_reads_ = 0, secret_reads_ = 0;
  std::vector<Bytes> mine_, received_;
  std::uint64_t changes_ = 0;
  std::string address_;
  int synced_ = 0;
  std::uint64_t cursors_[4] = {0, 0, 0, 0};  // by store::Cursor
};

}  // namespace inch::net::testing
