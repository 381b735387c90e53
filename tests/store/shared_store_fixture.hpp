// The fixture the shared store's unit tests share (shared_edits_test,
// shared_receive_test, shared_open_test): two paired nodes, and ways to
// make every consent ready and to craft a partner's wire op by hand. In a
// named namespace, so every file's TEST_F uses the one fixture class.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>

#include "shared_test_util.hpp"
#include "store/shared/op_codec.hpp"

namespace inch::store::testing {

class SharedStoreTest : public PairedNodes {
 protected:
  // Both ready for lists and notes, known on both sides.
  void AllReady() {
    ASSERT_TRUE(a->edits().SetConsent(ConsentKind::kLists, true));
    ASSERT_TRUE(b->edits().SetConsent(ConsentKind::kLists, true));
    ASSERT_TRUE(a->edits().SetConsent(ConsentKind::kNotes, true));
    ASSERT_TRUE(b->edits().SetConsent(ConsentKind::kNotes, true));
    FullExchange(a, b);
  }
  // A wire op sealed as `author` under the pair key.
  Bytes Craft(const Bytes& author, proto::Op op, std::uint64_t seq,
              std::uint64_t hlc = 1) {
    op.set_seq(seq);
    op.set_hlc(hlc);
    return SealWireOp(PairOpKey(secret), author, op);
  }
  std::size_t PartnerItems(Node& n) {
    auto s = n->reader().CurrentState();
    EXPECT_TRUE(s.has_value());
    std::size_t count = 0;
    for (auto& [id, item] : s->items) count += id.author == kPartner;
    return count;
  }
};

}  // namespace inch::store::testing
